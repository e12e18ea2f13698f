#!/bin/sh
# `make package` on Linux: the wheel, the PyInstaller one-folder build of the client, its
# smoke test (offscreen, on a throwaway data folder: opens the database, shows the main
# window, checks the shipped files, exits 0), and a .deb of that build.
#
# Output in dist/: veiligbalie-<version>-py3-none-any.whl, veiligbalie/ (the one-folder
# build) and veiligbalie_<version>_<arch>.deb. Steps can be named to run only those:
# `sh packaging/build-linux.sh deb` packs an existing dist/veiligbalie/ again.
set -eu
STEPS=${*:-wheel bundle smoke deb}
want() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
PY=${PY:-.venv/bin/python}
DIST=${DIST:-dist}
WORK=build/pyinstaller
VERSION=$("$PY" -c 'import veiligbalie; print(veiligbalie.__version__)')
START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START ))s; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if want wheel; then
echo "== wheel"
rm -f "$DIST"/veiligbalie-*.whl
"$PY" -m build --wheel --outdir "$DIST" . >"$DIST.wheel.log" 2>&1 || { cat "$DIST.wheel.log"; exit 1; }
rm -rf build/lib build/bdist.* "$DIST.wheel.log"
ls "$DIST"/veiligbalie-*.whl
echo "   $(elapsed)"
fi

if want bundle; then
echo "== PyInstaller one-folder build"
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" \
  packaging/veiligbalie.spec
echo "   $(du -sh "$DIST/veiligbalie" | cut -f1) in $DIST/veiligbalie/; $(elapsed)"
fi

if want smoke; then
echo "== smoke test of the frozen program"
QT_QPA_PLATFORM=offscreen "$DIST/veiligbalie/veiligbalie" --smoke-test --data-dir "$scratch/data"
echo "   $(elapsed)"
fi

want deb || exit 0
command -v dpkg-deb >/dev/null 2>&1 || { echo "dpkg-deb not found: no .deb built"; exit 0; }
echo "== .deb"
ARCH=$(dpkg --print-architecture)
DEB="$DIST/veiligbalie_${VERSION}_${ARCH}.deb"
root="$scratch/deb"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/scalable/apps" "$root/etc/xdg/autostart" \
  "$root/usr/share/doc/veiligbalie"
cp -a "$DIST/veiligbalie" "$root/opt/veiligbalie"
ln -s /opt/veiligbalie/veiligbalie "$root/usr/bin/veiligbalie"
install -m 644 packaging/linux/veiligbalie.desktop "$root/usr/share/applications/"
install -m 644 packaging/linux/veiligbalie-autostart.desktop \
  "$root/etc/xdg/autostart/veiligbalie.desktop"
install -m 644 resources/icons/veiligbalie.svg "$root/usr/share/icons/hicolor/scalable/apps/"
install -m 644 packaging/presets.example.ini "$root/usr/share/doc/veiligbalie/"
install -m 755 packaging/linux/postinst packaging/linux/postrm "$root/DEBIAN/"
echo "/etc/xdg/autostart/veiligbalie.desktop" >"$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
# The system libraries Qt's xcb platform, its multimedia (PulseAudio) and D-Bus need; the
# rest (Python, Qt, ICU, FFmpeg) is inside the bundle.
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" \
  packaging/linux/control.in >"$root/DEBIAN/control"
# gzip: every dpkg reads it, and xz took ten minutes for 290 MB on a busy 2-core machine.
dpkg-deb --root-owner-group -Zgzip --build "$root" "$DEB" >/dev/null
echo "   $DEB: $(du -h "$DEB" | cut -f1); $(elapsed)"
