; Inno Setup script of the VeiligBalie client for Windows: packs the PyInstaller one-folder
; build (dist\veiligbalie\, made by packaging\veiligbalie.spec) into one installer.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\veiligbalie.iss
;     -> dist\VeiligBalie-0.1.0-setup.exe
;
; Per-machine install (Program Files, administrator rights), VeiligBalie starts for every
; user at login (HKLM Run key). For Intune / SCCM / a software centre, silently:
;
;   VeiligBalie-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;       /SERVERURL=https://veiligbalie.gemeente.nl /ORGCA="\\share\pki\org-ca.pem" /LOCK=1
;
;   /SERVERURL=  the central server's address          -> [server] url
;   /ORGCA=      a PEM file with the organisation's CA  -> copied to
;                %PROGRAMDATA%\VeiligBalie\org-ca.pem, [server] ca_file
;   /LOCK=1      lock both: users see them read-only in Instellingen ([locked])
;
; They are written into the system-wide presets file %PROGRAMDATA%\VeiligBalie\presets.ini,
; which the client reads before each user's own settings (packaging/presets.example.ini
; lists every key: alarm key, language, sound). Without the parameters an existing presets
; file is left as it is; uninstalling leaves it too (it is IT's, like a conffile).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "VeiligBalie"
#define AppExe "veiligbalie.exe"
#define Bundle "..\..\dist\veiligbalie"

[Setup]
AppId={{0C583498-83D6-43FC-8E21-82DD57AEE3ED}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=VeiligBalie
AppVerName={#AppName} {#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per machine: every counter employee who signs in to this PC gets it.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=VeiligBalie-{#AppVersion}-setup
SetupIconFile=veiligbalie.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An upgrade closes the running client first (and starts it again for the user).
CloseApplications=force
RestartApplications=yes
SetupLogging=yes

[Languages]
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\presets.example.ini"; DestDir: "{commonappdata}\{#AppName}"; Flags: ignoreversion
; The organisation's CA from /ORGCA= (an external file, read at install time).
Source: "{code:OrgCaSource}"; DestDir: "{commonappdata}\{#AppName}"; DestName: "org-ca.pem"; \
  Flags: external ignoreversion; Check: HasOrgCa

[Dirs]
; Users read the presets; only administrators change them.
Name: "{commonappdata}\{#AppName}"; Permissions: users-readexec

[INI]
Filename: "{commonappdata}\{#AppName}\presets.ini"; Section: "server"; Key: "url"; \
  String: "{code:ServerUrl}"; Check: HasServerUrl
Filename: "{commonappdata}\{#AppName}\presets.ini"; Section: "server"; Key: "ca_file"; \
  String: "{commonappdata}\{#AppName}\org-ca.pem"; Check: HasOrgCa
Filename: "{commonappdata}\{#AppName}\presets.ini"; Section: "locked"; Key: "server_url"; \
  String: "true"; Check: LockAndHasServerUrl
Filename: "{commonappdata}\{#AppName}\presets.ini"; Section: "locked"; Key: "server_ca_file"; \
  String: "true"; Check: LockAndHasOrgCa

[Registry]
; Autostart at login for every user: the alarm button must always be there.
Root: HKLM; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
  ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Flags: uninsdeletevalue

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; \
  Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
function ServerUrl(Param: String): String;
begin
  Result := Trim(ExpandConstant('{param:SERVERURL|}'));
end;

function HasServerUrl(): Boolean;
begin
  Result := ServerUrl('') <> '';
end;

function OrgCaSource(Param: String): String;
begin
  Result := Trim(ExpandConstant('{param:ORGCA|}'));
end;

function HasOrgCa(): Boolean;
begin
  Result := OrgCaSource('') <> '';
end;

function Locking(): Boolean;
begin
  Result := ExpandConstant('{param:LOCK|0}') = '1';
end;

function LockAndHasServerUrl(): Boolean;
begin
  Result := Locking() and HasServerUrl();
end;

function LockAndHasOrgCa(): Boolean;
begin
  Result := Locking() and HasOrgCa();
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if HasOrgCa() and not FileExists(OrgCaSource('')) then
  begin
    SuppressibleMsgBox('/ORGCA: file not found: ' + OrgCaSource(''), mbError, MB_OK, IDOK);
    Result := False;
  end;
  if HasServerUrl() and (Pos('://', ServerUrl('')) = 0) then
  begin
    SuppressibleMsgBox('/SERVERURL must start with https:// (or http://): ' + ServerUrl(''),
      mbError, MB_OK, IDOK);
    Result := False;
  end;
end;
