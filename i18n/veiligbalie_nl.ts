<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="nl_NL" sourcelanguage="en">
  <context>
    <name>AdminAlarmService</name>
    <message>
      <source>Only an administrator may do this.</source>
      <translation>Alleen een beheerder mag dit doen.</translation>
    </message>
    <message>
      <source>Sign in as administrator on a linked workstation first.</source>
      <translation>Meld je eerst aan als beheerder op een gekoppelde werkplek.</translation>
    </message>
    <message>
      <source>Give at least one level, or reset to the default.</source>
      <translation>Geef minstens één niveau, of zet de standaard terug.</translation>
    </message>
  </context>
  <context>
    <name>AdminOrgService</name>
    <message>
      <source>Not signed in at a server.</source>
      <translation>Niet aangemeld bij een server.</translation>
    </message>
    <message>
      <source>Only an administrator may change this.</source>
      <translation>Alleen een beheerder mag dit wijzigen.</translation>
    </message>
  </context>
  <context>
    <name>AdminPeopleService</name>
    <message>
      <source>The server cannot be reached, or you are not signed in as administrator.</source>
      <translation>De server is niet bereikbaar, of je bent niet aangemeld als beheerder.</translation>
    </message>
    <message>
      <source>Only an administrator may do this.</source>
      <translation>Alleen een beheerder mag dit doen.</translation>
    </message>
  </context>
  <context>
    <name>AdminStations</name>
    <message>
      <source>Sign in as administrator to manage workstations.</source>
      <translation>Meld u aan als beheerder om werkplekken te beheren.</translation>
    </message>
    <message>
      <source>Only an administrator may manage workstations.</source>
      <translation>Alleen een beheerder mag werkplekken beheren.</translation>
    </message>
    <message>
      <source>%1 moved to %2.</source>
      <translation>%1 verplaatst naar %2.</translation>
    </message>
    <message>
      <source>%1 revoked: it can no longer reach the server.</source>
      <translation>%1 ingetrokken: de werkplek kan de server niet meer bereiken.</translation>
    </message>
  </context>
  <context>
    <name>AdminView</name>
    <message>
      <source>Workstations</source>
      <translation>Werkplekken</translation>
    </message>
    <message>
      <source>People</source>
      <translation>Mensen</translation>
    </message>
    <message>
      <source>Alarm set-up</source>
      <translation>Alarmering</translation>
    </message>
    <message>
      <source>Organisation</source>
      <translation>Organisatie</translation>
    </message>
    <message>
      <source>Privacy</source>
      <translation>Privacy</translation>
    </message>
    <message>
      <source>Administration</source>
      <translation>Beheer</translation>
    </message>
    <message>
      <source>Administration sections</source>
      <translation>Onderdelen van Beheer</translation>
    </message>
  </context>
  <context>
    <name>AftercareAndPrivacy</name>
    <message>
      <source>Colleagues will then not see this report in the shared log.</source>
      <translation>Collega's zien deze melding dan niet in het gedeelde logboek.</translation>
    </message>
  </context>
  <context>
    <name>AftercareDialog</name>
    <message>
      <source>With whom</source>
      <translation>Met wie</translation>
    </message>
    <message>
      <source>the reporter, witnesses</source>
      <translation>de melder, getuigen</translation>
    </message>
    <message>
      <source>Assign to</source>
      <translation>Toewijzen aan</translation>
    </message>
  </context>
  <context>
    <name>AlarmButton</name>
    <message>
      <source>Alarm</source>
      <translation>Alarm</translation>
    </message>
    <message>
      <source>Sending…</source>
      <translation>Wordt verzonden…</translation>
    </message>
    <message>
      <source>Starting…</source>
      <translation>Bezig met starten…</translation>
    </message>
    <message>
      <source>Press for help</source>
      <translation>Druk voor hulp</translation>
    </message>
    <message>
      <source>No colleague reachable</source>
      <translation>Geen collega bereikbaar</translation>
    </message>
    <message numerus="yes">
      <source>%n reachable</source>
      <translation>
        <numerusform>%n bereikbaar</numerusform>
        <numerusform>%n bereikbaar</numerusform>
      </translation>
    </message>
    <message>
      <source>Alarm not connected</source>
      <translation>Alarm niet verbonden</translation>
    </message>
    <message>
      <source>ALARM</source>
      <translation>ALARM</translation>
    </message>
    <message>
      <source>To get the alarm working again: check that this workstation has a network connection (cable or Wi-Fi) and that the server address under Settings is right. If it stays like this, tell the administrator: the server may be down, or the site's LAN key may be missing on this workstation.</source>
      <translation>Zo werkt het alarm weer: controleer of deze werkplek netwerk heeft (kabel of wifi) en of het serveradres onder Instellingen klopt. Blijft het zo, meld het dan aan de beheerder: misschien is de server uit de lucht, of ontbreekt de LAN-sleutel van de vestiging op deze werkplek.</translation>
    </message>
    <message>
      <source>To get the alarm working: the administrator links this workstation to the server with a one-time code (Settings &gt; Link with server). Check with them the server address, that the network reaches it, and the site's LAN key, so that colleagues nearby are reached even when the server is down.</source>
      <translation>Zo gaat het alarm werken: de beheerder koppelt deze werkplek met een eenmalige code aan de server (Instellingen &gt; Koppelen met server). Controleer samen het serveradres, of het netwerk de server bereikt en de LAN-sleutel van de vestiging, zodat collega's in de buurt ook bereikt worden als de server uit de lucht is.</translation>
    </message>
    <message>
      <source>Raises a silent alarm at once. Key: %1</source>
      <translation>Geeft direct een stil alarm. Toets: %1</translation>
    </message>
    <message>
      <source>No colleague reachable: no other workstation of this site is online now, so an alarm would be recorded but nobody would receive it. In danger, call for help another way (a colleague, security, 112).</source>
      <translation>Geen collega bereikbaar: er is nu geen andere werkplek van deze vestiging online, dus een alarm wordt wel vastgelegd maar door niemand ontvangen. Roep bij gevaar op een andere manier hulp in (een collega, beveiliging, 112).</translation>
    </message>
    <message>
      <source>This alarm reached nobody: this workstation has no connection to the server or to colleagues' workstations.</source>
      <translation>Dit alarm heeft niemand bereikt: deze werkplek heeft geen verbinding met de server of met de werkplekken van collega's.</translation>
    </message>
    <message>
      <source>Call for help another way: call a colleague or security. In immediate danger call 112. The alarm has been recorded.</source>
      <translation>Roep op een andere manier hulp in: bel of roep een collega of de beveiliging. Bij direct gevaar: bel 112. Het alarm is vastgelegd.</translation>
    </message>
  </context>
  <context>
    <name>AlarmCard</name>
    <message>
      <source>I'm on my way</source>
      <translation>Ik kom eraan</translation>
    </message>
    <message>
      <source>Resolved</source>
      <translation>Afgehandeld</translation>
    </message>
    <message>
      <source>Resolved: close this alarm for everyone</source>
      <translation>Afgehandeld: sluit dit alarm voor iedereen</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Sluiten</translation>
    </message>
    <message>
      <source>open alarm</source>
      <translation>open alarm</translation>
    </message>
    <message>
      <source>silent alarm</source>
      <translation>stil alarm</translation>
    </message>
    <message>
      <source>TEST</source>
      <translation>TEST</translation>
    </message>
    <message>
      <source>no action needed</source>
      <translation>geen actie nodig</translation>
    </message>
    <message>
      <source>From workstation %1</source>
      <translation>Vanaf werkplek %1</translation>
    </message>
    <message>
      <source>On the way: %1</source>
      <translation>Onderweg: %1</translation>
    </message>
    <message>
      <source>Nobody is on the way yet</source>
      <translation>Nog niemand onderweg</translation>
    </message>
    <message>
      <source>You are on your way</source>
      <translation>Je bent onderweg</translation>
    </message>
    <message>
      <source>Cancelled by the sender (a mistake)</source>
      <translation>Ingetrokken door de melder (vergissing)</translation>
    </message>
    <message>
      <source>No help needed. Cancelled by %1.</source>
      <translation>Geen hulp nodig. Ingetrokken door %1.</translation>
    </message>
  </context>
  <context>
    <name>AlarmCloseDialog</name>
    <message>
      <source>Close alarm follow-up</source>
      <translation>Opvolging van alarm afsluiten</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Reden</translation>
    </message>
    <message>
      <source>Why no report is needed, e.g. a test or a mistake</source>
      <translation>Waarom geen melding nodig is, bijv. een test of een vergissing</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Probleem</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Afsluiten</translation>
    </message>
  </context>
  <context>
    <name>AlarmIndicator</name>
    <message>
      <source>Your alarm</source>
      <translation>Jouw alarm</translation>
    </message>
    <message>
      <source>Mistake: cancel the alarm</source>
      <translation>Vergissing: trek het alarm in</translation>
    </message>
    <message>
      <source>Resolved</source>
      <translation>Afgehandeld</translation>
    </message>
    <message>
      <source>Resolved: close the alarm</source>
      <translation>Afgehandeld: sluit het alarm</translation>
    </message>
    <message>
      <source>Type of alarm</source>
      <translation>Soort alarm</translation>
    </message>
    <message>
      <source>Alarm NOT delivered: call for help another way</source>
      <translation>Alarm NIET afgeleverd: vraag op een andere manier om hulp</translation>
    </message>
    <message>
      <source>Nobody has received the alarm: call for help another way</source>
      <translation>Niemand heeft het alarm ontvangen: roep op een andere manier hulp in</translation>
    </message>
    <message>
      <source>waiting for a colleague</source>
      <translation>wacht op een collega</translation>
    </message>
    <message numerus="yes">
      <source>%n colleague(s) on the way: %1</source>
      <translation>
        <numerusform>%n collega onderweg: %1</numerusform>
        <numerusform>%n collega's onderweg: %1</numerusform>
      </translation>
    </message>
    <message>
      <source>ALARM ACTIVE</source>
      <translation>ALARM ACTIEF</translation>
    </message>
    <message>
      <source>Alarm sent</source>
      <translation>Alarm verzonden</translation>
    </message>
    <message>
      <source>TEST</source>
      <translation>TEST</translation>
    </message>
    <message>
      <source>Mistake (%1)</source>
      <translation>Vergissing (%1)</translation>
    </message>
  </context>
  <context>
    <name>AlarmLog</name>
    <message>
      <source>Alarm log</source>
      <translation>Alarmlogboek</translation>
    </message>
    <message>
      <source>Alarms of the site</source>
      <translation>Alarmen van de vestiging</translation>
    </message>
    <message>
      <source>When</source>
      <translation>Wanneer</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>Soort</translation>
    </message>
    <message>
      <source>Place</source>
      <translation>Plaats</translation>
    </message>
    <message>
      <source>Sender</source>
      <translation>Melder</translation>
    </message>
    <message>
      <source>Received by</source>
      <translation>Ontvangen</translation>
    </message>
    <message>
      <source>First answer</source>
      <translation>Antwoord</translation>
    </message>
    <message>
      <source>Escalated</source>
      <translation>Geëscaleerd</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Melding</translation>
    </message>
    <message>
      <source>The alarm's story</source>
      <translation>Het verloop van het alarm</translation>
    </message>
    <message>
      <source>No alarms at this site yet.</source>
      <translation>Nog geen alarmen op deze vestiging.</translation>
    </message>
    <message>
      <source>%1 (test)</source>
      <translation>%1 (test)</translation>
    </message>
    <message>
      <source>%1 (reported afterwards)</source>
      <translation>%1 (achteraf gemeld)</translation>
    </message>
    <message>
      <source>%1, %2</source>
      <translation>%1, %2</translation>
    </message>
    <message>
      <source>nobody</source>
      <translation>niemand</translation>
    </message>
    <message numerus="yes">
      <source>%n step(s)</source>
      <translation>
        <numerusform>%n stap</numerusform>
        <numerusform>%n stappen</numerusform>
      </translation>
    </message>
    <message>
      <source>no report</source>
      <translation>geen melding</translation>
    </message>
    <message>
      <source>report made</source>
      <translation>melding gemaakt</translation>
    </message>
    <message>
      <source>server</source>
      <translation>server</translation>
    </message>
    <message>
      <source>LAN</source>
      <translation>LAN</translation>
    </message>
    <message>
      <source>webhook</source>
      <translation>webhook</translation>
    </message>
    <message>
      <source>raised</source>
      <translation>alarm gegeven</translation>
    </message>
    <message>
      <source>received</source>
      <translation>ontvangen</translation>
    </message>
    <message>
      <source>answered</source>
      <translation>beantwoord</translation>
    </message>
    <message>
      <source>escalated</source>
      <translation>geëscaleerd</translation>
    </message>
    <message>
      <source>webhook sent</source>
      <translation>webhook verstuurd</translation>
    </message>
    <message>
      <source>webhook failed</source>
      <translation>webhook mislukt</translation>
    </message>
    <message>
      <source>resolved</source>
      <translation>afgehandeld</translation>
    </message>
    <message>
      <source>cancelled (mistake)</source>
      <translation>ingetrokken (vergissing)</translation>
    </message>
    <message>
      <source>alerted (level %1: %2)</source>
      <translation>gealarmeerd (niveau %1: %2)</translation>
    </message>
    <message>
      <source>escalated (level %1: %2)</source>
      <translation>geëscaleerd (niveau %1: %2)</translation>
    </message>
    <message>
      <source>escalated (level %1)</source>
      <translation>geëscaleerd (niveau %1)</translation>
    </message>
    <message>
      <source>Received</source>
      <translation>Ontvangen</translation>
    </message>
    <message>
      <source>Answered</source>
      <translation>Beantwoord</translation>
    </message>
    <message>
      <source>Escalation</source>
      <translation>Escalatie</translation>
    </message>
    <message>
      <source>Log</source>
      <translation>Logboek</translation>
    </message>
    <message>
      <source>No other station received it over the server.</source>
      <translation>Geen andere werkplek ontving het via de server.</translation>
    </message>
    <message>
      <source>Nobody answered.</source>
      <translation>Niemand antwoordde.</translation>
    </message>
    <message>
      <source>Raised by %1 at %2 from %3.</source>
      <translation>Alarm van %1 om %2 vanaf %3.</translation>
    </message>
    <message>
      <source>The server could not be reached when it was raised: the station reported it afterwards, with the times it kept.</source>
      <translation>De server was niet bereikbaar toen het alarm werd gegeven: de werkplek heeft het achteraf gemeld, met de tijden die zij bijhield.</translation>
    </message>
    <message>
      <source>%1 over the %2 at %3</source>
      <translation>%1 via de %2 om %3</translation>
    </message>
    <message>
      <source>%1: “I'm coming” after %2</source>
      <translation>%1: „Ik kom eraan” na %2</translation>
    </message>
    <message>
      <source>Level %1 at %2: %3</source>
      <translation>Niveau %1 om %2: %3</translation>
    </message>
    <message>
      <source>Closed by %1 at %2.</source>
      <translation>Afgesloten door %1 om %2.</translation>
    </message>
  </context>
  <context>
    <name>AlarmPopup</name>
    <message>
      <source>Alarm from a colleague</source>
      <translation>Alarm van een collega</translation>
    </message>
    <message>
      <source>ALARM: a colleague needs help</source>
      <translation>ALARM: een collega heeft hulp nodig</translation>
    </message>
    <message>
      <source>Raising the alarm — what to do when you go to help</source>
      <translation>Alarm slaan — wat doe je als je gaat helpen</translation>
    </message>
    <message>
      <source>%1 colleagues need help</source>
      <translation>%1 collega's hebben hulp nodig</translation>
    </message>
    <message>
      <source>A colleague needs help</source>
      <translation>Een collega heeft hulp nodig</translation>
    </message>
    <message>
      <source>No help needed: the alarm was cancelled</source>
      <translation>Geen hulp nodig: het alarm is ingetrokken</translation>
    </message>
    <message>
      <source>Alarm cancelled: no help needed</source>
      <translation>Alarm ingetrokken: geen hulp nodig</translation>
    </message>
    <message>
      <source>TEST ALARM</source>
      <translation>TESTALARM</translation>
    </message>
  </context>
  <context>
    <name>AlarmSettings</name>
    <message>
      <source>Reachable now</source>
      <translation>Nu bereikbaar</translation>
    </message>
    <message>
      <source>Key file…</source>
      <translation>Sleutelbestand…</translation>
    </message>
    <message>
      <source>Passphrase…</source>
      <translation>Wachtzin…</translation>
    </message>
    <message>
      <source>Site key</source>
      <translation>Vestigingssleutel</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Alarm</translation>
    </message>
    <message>
      <source>Between workstations</source>
      <translation>Tussen werkplekken</translation>
    </message>
    <message>
      <source>Alarm between workstations (network)</source>
      <translation>Alarm tussen werkplekken (netwerk)</translation>
    </message>
    <message>
      <source>Site code</source>
      <translation>Vestigingscode</translation>
    </message>
    <message>
      <source>The same on every workstation of the site</source>
      <translation>Op elke werkplek van de vestiging dezelfde</translation>
    </message>
    <message>
      <source>Network</source>
      <translation>Netwerk</translation>
    </message>
    <message>
      <source>UDP port</source>
      <translation>UDP-poort</translation>
    </message>
    <message>
      <source>empty: broadcast on the subnet</source>
      <translation>leeg: broadcast op het subnet</translation>
    </message>
    <message>
      <source>Multicast group</source>
      <translation>Multicastgroep</translation>
    </message>
    <message>
      <source>Apply network settings</source>
      <translation>Netwerkinstellingen toepassen</translation>
    </message>
    <message>
      <source>Global alarm key</source>
      <translation>Globale alarmtoets</translation>
    </message>
    <message>
      <source>Sound for test alarms too</source>
      <translation>Ook geluid bij testalarmen</translation>
    </message>
    <message>
      <source>Send a test alarm</source>
      <translation>Testalarm versturen</translation>
    </message>
    <message>
      <source>Runs the whole alarm path, marked TEST everywhere, without sound</source>
      <translation>Doorloopt de hele alarmroute, overal gemarkeerd als TEST, zonder geluid</translation>
    </message>
    <message>
      <source>Not linked with a server</source>
      <translation>Niet gekoppeld met een server</translation>
    </message>
    <message>
      <source>Off: no alarms over the network</source>
      <translation>Uit: geen alarm via het netwerk</translation>
    </message>
    <message>
      <source>The administrator sets the port and group of this site on the server (Beheer, Alarmering); your own values apply where the server sets none.</source>
      <translation>De beheerder stelt de poort en groep van deze vestiging in op de server (Beheer, Alarmering); je eigen waarden gelden waar de server niets instelt.</translation>
    </message>
    <message>
      <source>The administrator switched alarms over the network off for this site.</source>
      <translation>De beheerder heeft alarmen via het netwerk voor deze vestiging uitgezet.</translation>
    </message>
    <message>
      <source>Set (fingerprint %1)</source>
      <translation>Ingesteld (vingerafdruk %1)</translation>
    </message>
    <message>
      <source>%1 (not found)</source>
      <translation>%1 (niet gevonden)</translation>
    </message>
    <message>
      <source>Not set</source>
      <translation>Niet ingesteld</translation>
    </message>
    <message>
      <source>Not available</source>
      <translation>Niet beschikbaar</translation>
    </message>
    <message>
      <source>No colleague workstation heard</source>
      <translation>Geen werkplek van een collega gehoord</translation>
    </message>
    <message>
      <source>Global hotkey not available on this platform; use the button or the key inside the window</source>
      <translation>Globale sneltoets niet beschikbaar op dit platform; gebruik de knop of de sneltoets binnen het venster</translation>
    </message>
    <message>
      <source>Site key file</source>
      <translation>Sleutelbestand van de vestiging</translation>
    </message>
    <message>
      <source>Site passphrase</source>
      <translation>Wachtzin van de vestiging</translation>
    </message>
    <message>
      <source>The passphrase of this site (the same on every workstation):</source>
      <translation>De wachtzin van deze vestiging (op elke werkplek dezelfde):</translation>
    </message>
    <message>
      <source>Deriving the site key from the passphrase…</source>
      <translation>Vestigingssleutel wordt uit de wachtzin afgeleid…</translation>
    </message>
    <message>
      <source>the file cannot be read.</source>
      <translation>het bestand kan niet worden gelezen.</translation>
    </message>
    <message>
      <source>this file holds no site key. Ask the administrator for the key file.</source>
      <translation>dit bestand bevat geen vestigingssleutel. Vraag de beheerder om het sleutelbestand.</translation>
    </message>
    <message>
      <source>the passphrase needs at least %1 characters.</source>
      <translation>de wachtzin moet minstens %1 tekens hebben.</translation>
    </message>
    <message>
      <source>fill in the site code first.</source>
      <translation>vul eerst de vestigingscode in.</translation>
    </message>
    <message>
      <source>Key not set: %1</source>
      <translation>Sleutel niet ingesteld: %1</translation>
    </message>
    <message>
      <source>Site key set.</source>
      <translation>Vestigingssleutel ingesteld.</translation>
    </message>
    <message>
      <source>Alarms between workstations are on.</source>
      <translation>Alarm tussen werkplekken staat aan.</translation>
    </message>
    <message>
      <source>Key not usable: %1</source>
      <translation>Toets niet bruikbaar: %1</translation>
    </message>
  </context>
  <context>
    <name>AlarmSetupPage</name>
    <message>
      <source>All colleagues of the site</source>
      <translation>Alle collega's van de vestiging</translation>
    </message>
    <message>
      <source>Security</source>
      <translation>Beveiliging</translation>
    </message>
    <message>
      <source>Team leads</source>
      <translation>Teamleiders</translation>
    </message>
    <message>
      <source>Coordinator aggression and violence</source>
      <translation>Coördinator agressie en geweld</translation>
    </message>
    <message>
      <source>Peer-support team</source>
      <translation>Collegiaal opvangteam</translation>
    </message>
    <message>
      <source>Employees</source>
      <translation>Medewerkers</translation>
    </message>
    <message>
      <source>Administrators</source>
      <translation>Beheerders</translation>
    </message>
    <message>
      <source>Alarm set-up</source>
      <translation>Alarmering</translation>
    </message>
    <message>
      <source>Alarm set-up per site</source>
      <translation>Alarmering per vestiging</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Reload</source>
      <translation>Vernieuwen</translation>
    </message>
    <message>
      <source>Escalation</source>
      <translation>Escalatie</translation>
    </message>
    <message>
      <source>When nobody answers an alarm, the server alerts the next level after its delay (counted from the alarm).</source>
      <translation>Als niemand op een alarm reageert, waarschuwt de server na de wachttijd het volgende niveau (gerekend vanaf het alarm).</translation>
    </message>
    <message>
      <source>Add level</source>
      <translation>Niveau toevoegen</translation>
    </message>
    <message>
      <source>Reset to default</source>
      <translation>Standaard terugzetten</translation>
    </message>
    <message>
      <source>Back to the built-in levels; the webhook address and secret are removed</source>
      <translation>Terug naar de ingebouwde niveaus; het webhookadres en het geheim worden verwijderd</translation>
    </message>
    <message>
      <source>Save escalation</source>
      <translation>Escalatie opslaan</translation>
    </message>
    <message>
      <source>Webhook (alarm centre, security desk)</source>
      <translation>Webhook (meldkamer, beveiligingsdienst)</translation>
    </message>
    <message>
      <source>Webhook address</source>
      <translation>Webhookadres</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>Adres</translation>
    </message>
    <message>
      <source>Signing secret</source>
      <translation>Ondertekengeheim</translation>
    </message>
    <message>
      <source>New signing secret</source>
      <translation>Nieuw ondertekengeheim</translation>
    </message>
    <message>
      <source>Leave empty to keep the current secret</source>
      <translation>Leeg laten om het huidige geheim te houden</translation>
    </message>
    <message>
      <source>New secret</source>
      <translation>Nieuw geheim</translation>
    </message>
    <message>
      <source>Saved with the escalation. The secret is never shown again.</source>
      <translation>Wordt met de escalatie opgeslagen. Het geheim wordt nooit meer getoond.</translation>
    </message>
    <message>
      <source>Send test</source>
      <translation>Test versturen</translation>
    </message>
    <message>
      <source>Sends a signed test message, marked as a test, to the saved address</source>
      <translation>Verstuurt een ondertekend testbericht, gemarkeerd als test, naar het opgeslagen adres</translation>
    </message>
    <message>
      <source>Answer of the webhook test</source>
      <translation>Antwoord op de webhooktest</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>Antwoord</translation>
    </message>
    <message>
      <source>Alarm between workstations (network)</source>
      <translation>Alarm tussen werkplekken (netwerk)</translation>
    </message>
    <message>
      <source>Workstations of this site alarm each other</source>
      <translation>Werkplekken van deze vestiging alarmeren elkaar</translation>
    </message>
    <message>
      <source>Also without the server, over the local network (signed UDP)</source>
      <translation>Ook zonder server, via het lokale netwerk (ondertekende UDP)</translation>
    </message>
    <message>
      <source>UDP port</source>
      <translation>UDP-poort</translation>
    </message>
    <message>
      <source>Each workstation's own</source>
      <translation>Eigen instelling per werkplek</translation>
    </message>
    <message>
      <source>Multicast group</source>
      <translation>Multicastgroep</translation>
    </message>
    <message>
      <source>Each workstation's own, e.g. 239.255.47.47</source>
      <translation>Eigen instelling per werkplek, bijv. 239.255.47.47</translation>
    </message>
    <message>
      <source>Linked workstations take these over at once, or when they next connect. Empty: each workstation keeps its own setting (Instellingen).</source>
      <translation>Gekoppelde werkplekken nemen dit meteen over, of zodra ze weer verbinding maken. Leeg: elke werkplek houdt zijn eigen instelling (Instellingen).</translation>
    </message>
    <message>
      <source>Save network settings</source>
      <translation>Netwerkinstellingen opslaan</translation>
    </message>
    <message>
      <source>No sites yet. Create a site first.</source>
      <translation>Nog geen vestigingen. Maak eerst een vestiging aan.</translation>
    </message>
    <message>
      <source>The built-in default applies: this site has no escalation of its own.</source>
      <translation>De ingebouwde standaard geldt: deze vestiging heeft geen eigen escalatie.</translation>
    </message>
    <message>
      <source>Set for this site.</source>
      <translation>Ingesteld voor deze vestiging.</translation>
    </message>
    <message>
      <source>Set</source>
      <translation>Ingesteld</translation>
    </message>
    <message>
      <source>Not set</source>
      <translation>Niet ingesteld</translation>
    </message>
    <message>
      <source>Saved.</source>
      <translation>Opgeslagen.</translation>
    </message>
    <message>
      <source>Back to the built-in default.</source>
      <translation>Terug naar de ingebouwde standaard.</translation>
    </message>
    <message>
      <source>At most 10 levels.</source>
      <translation>Hoogstens 10 niveaus.</translation>
    </message>
    <message>
      <source>Sending…</source>
      <translation>Wordt verstuurd…</translation>
    </message>
    <message>
      <source>No answer from %1 after %2 ms: %3</source>
      <translation>Geen antwoord van %1 na %2 ms: %3</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>Gelukt</translation>
    </message>
    <message>
      <source>Not OK</source>
      <translation>Niet gelukt</translation>
    </message>
    <message>
      <source>%1: %2 answered HTTP %3 in %4 ms.</source>
      <translation>%1: %2 antwoordde HTTP %3 in %4 ms.</translation>
    </message>
    <message>
      <source>Answer: %1</source>
      <translation>Antwoord: %1</translation>
    </message>
    <message>
      <source>Saved. Linked workstations take it over.</source>
      <translation>Opgeslagen. Gekoppelde werkplekken nemen het over.</translation>
    </message>
  </context>
  <context>
    <name>AlarmTexts</name>
    <message>
      <source>Aggression</source>
      <translation>Agressie</translation>
    </message>
    <message>
      <source>Medical</source>
      <translation>Medisch</translation>
    </message>
    <message>
      <source>Other emergency</source>
      <translation>Ander noodgeval</translation>
    </message>
    <message>
      <source>All colleagues of the site alerted</source>
      <translation>Alle collega's van de locatie gewaarschuwd</translation>
    </message>
    <message>
      <source>Security and team leads alerted</source>
      <translation>Beveiliging en teamleiders gewaarschuwd</translation>
    </message>
    <message>
      <source>Security alerted</source>
      <translation>Beveiliging gewaarschuwd</translation>
    </message>
    <message>
      <source>Team leads alerted</source>
      <translation>Teamleiders gewaarschuwd</translation>
    </message>
    <message>
      <source>Escalated (level %1)</source>
      <translation>Opgeschaald (niveau %1)</translation>
    </message>
    <message>
      <source>Alarm centre notified</source>
      <translation>Meldkamer gewaarschuwd</translation>
    </message>
    <message>
      <source>%1 s ago</source>
      <translation>%1 s geleden</translation>
    </message>
    <message>
      <source>%1 min %2 s ago</source>
      <translation>%1 min %2 s geleden</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <source>The local database was written by a newer version of VeiligBalie. It has not been changed. Install the newer version to continue.</source>
      <translation>De lokale database is geschreven door een nieuwere versie van VeiligBalie. Er is niets aan veranderd. Installeer de nieuwere versie om verder te gaan.</translation>
    </message>
    <message>
      <source>The local database file is damaged or is not a VeiligBalie database. It has not been changed. Ask your administrator for help.</source>
      <translation>Het lokale databasebestand is beschadigd of is geen VeiligBalie-database. Er is niets aan veranderd. Vraag je beheerder om hulp.</translation>
    </message>
  </context>
  <context>
    <name>AssignDialog</name>
    <message>
      <source>Assign: %1</source>
      <translation>Toewijzen: %1</translation>
    </message>
    <message>
      <source>Assign to</source>
      <translation>Toewijzen aan</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Probleem</translation>
    </message>
    <message>
      <source>Assign</source>
      <translation>Toewijzen</translation>
    </message>
  </context>
  <context>
    <name>AttachmentService</name>
    <message>
      <source>This file is on the server, and this workstation is not connected to it. Link the workstation or sign in, then try again.</source>
      <translation>Dit bestand staat op de server en deze werkplek is er niet mee verbonden. Koppel de werkplek of log in en probeer het opnieuw.</translation>
    </message>
    <message>
      <source>The file could not be saved on this workstation.</source>
      <translation>Het bestand kon niet op deze werkplek worden opgeslagen.</translation>
    </message>
    <message>
      <source>There is no program on this workstation that can open this file.</source>
      <translation>Er is op deze werkplek geen programma dat dit bestand kan openen.</translation>
    </message>
    <message>
      <source>The file that arrived is not the file that was attached to the report (its checksum differs). It was deleted and not opened. Try again; if it keeps happening, tell the administrator.</source>
      <translation>Het ontvangen bestand is niet het bestand dat bij de melding is gevoegd (de controlesom verschilt). Het is verwijderd en niet geopend. Probeer het opnieuw; blijft dit gebeuren, meld het dan aan de beheerder.</translation>
    </message>
    <message>
      <source>The server does not have this file (yet): the reporter's workstation has not sent it. Try again later.</source>
      <translation>De server heeft dit bestand (nog) niet: de werkplek van de melder heeft het nog niet verstuurd. Probeer het later opnieuw.</translation>
    </message>
    <message>
      <source>You may not open this file.</source>
      <translation>Je mag dit bestand niet openen.</translation>
    </message>
    <message>
      <source>Your session has ended. Sign in again.</source>
      <translation>Je sessie is verlopen. Log opnieuw in.</translation>
    </message>
    <message>
      <source>No secure connection could be made with the server. Ask the administrator.</source>
      <translation>Er kon geen beveiligde verbinding met de server worden gemaakt. Vraag het de beheerder.</translation>
    </message>
    <message>
      <source>The server cannot be reached. Try again later.</source>
      <translation>De server is niet bereikbaar. Probeer het later opnieuw.</translation>
    </message>
    <message>
      <source>The server could not send the file. Try again later.</source>
      <translation>De server kon het bestand niet versturen. Probeer het later opnieuw.</translation>
    </message>
  </context>
  <context>
    <name>AttachmentsBox</name>
    <message>
      <source>Photos, screenshots, PDF, text, e-mail, sound, video or Word files; at most %1 files of %2 MB each. You can also drag files onto this form.</source>
      <translation>Foto's, schermafbeeldingen, pdf, tekst, e-mail, geluid, video of Word-bestanden; hoogstens %1 bestanden van elk %2 MB. Je kunt bestanden ook op dit formulier slepen.</translation>
    </message>
    <message>
      <source>Attached files</source>
      <translation>Toegevoegde bestanden</translation>
    </message>
    <message>
      <source>Copying files…</source>
      <translation>Bestanden worden gekopieerd…</translation>
    </message>
    <message>
      <source>Add file…</source>
      <translation>Bestand toevoegen…</translation>
    </message>
    <message>
      <source>Add file</source>
      <translation>Bestand toevoegen</translation>
    </message>
    <message>
      <source>Remove selected file</source>
      <translation>Gekozen bestand verwijderen</translation>
    </message>
    <message>
      <source>“%1” could not be copied: %2.</source>
      <translation>“%1” kon niet worden gekopieerd: %2.</translation>
    </message>
    <message>
      <source>“%1” is already attached.</source>
      <translation>“%1” is al toegevoegd.</translation>
    </message>
    <message>
      <source>“%1” is too large (%2); a file can be at most %3 MB.</source>
      <translation>“%1” is te groot (%2); een bestand mag hoogstens %3 MB zijn.</translation>
    </message>
    <message>
      <source>“%1” cannot be attached: files of type “%2” are not accepted. Use a photo, screenshot, PDF, text, e-mail, sound, video or Word file.</source>
      <translation>“%1” kan niet worden toegevoegd: bestanden van het type “%2” worden niet geaccepteerd. Gebruik een foto, schermafbeelding, pdf, tekst, e-mail, geluid, video of Word-bestand.</translation>
    </message>
    <message>
      <source>“%1” is empty.</source>
      <translation>“%1” is leeg.</translation>
    </message>
    <message>
      <source>“%1” cannot be found.</source>
      <translation>“%1” is niet gevonden.</translation>
    </message>
    <message>
      <source>“%1” was not added: a report can carry at most %2 files.</source>
      <translation>“%1” is niet toegevoegd: een melding kan hoogstens %2 bestanden hebben.</translation>
    </message>
    <message>
      <source>Attach evidence</source>
      <translation>Bewijs toevoegen</translation>
    </message>
    <message>
      <source>Evidence</source>
      <translation>Bewijs</translation>
    </message>
    <message>
      <source>All files</source>
      <translation>Alle bestanden</translation>
    </message>
  </context>
  <context>
    <name>AuditService</name>
    <message>
      <source>The period ends before it starts.</source>
      <translation>De periode eindigt voordat hij begint.</translation>
    </message>
    <message>
      <source>Only an administrator or a privacy officer reads the audit log.</source>
      <translation>Alleen een beheerder of de functionaris gegevensbescherming kan het auditlog inzien.</translation>
    </message>
  </context>
  <context>
    <name>AuditTableModel</name>
    <message>
      <source>When</source>
      <translation>Wanneer</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>Wie</translation>
    </message>
    <message>
      <source>Action</source>
      <translation>Handeling</translation>
    </message>
    <message>
      <source>Workstation</source>
      <translation>Werkplek</translation>
    </message>
    <message>
      <source>About</source>
      <translation>Betreft</translation>
    </message>
    <message>
      <source>Detail</source>
      <translation>Toelichting</translation>
    </message>
  </context>
  <context>
    <name>AuditView</name>
    <message>
      <source>Audit log</source>
      <translation>Auditlog</translation>
    </message>
    <message>
      <source>Who read or changed restricted data (perpetrator details, dossier, team-lead-only reports and their files), when and from which workstation.</source>
      <translation>Wie afgeschermde gegevens heeft ingezien of gewijzigd (dadergegevens, dossier, meldingen alleen voor de teamleider en hun bestanden), wanneer en vanaf welke werkplek.</translation>
    </message>
    <message>
      <source>User</source>
      <translation>Gebruiker</translation>
    </message>
    <message>
      <source>user name</source>
      <translation>gebruikersnaam</translation>
    </message>
    <message>
      <source>Dossier person</source>
      <translation>Persoon in dossier</translation>
    </message>
    <message>
      <source>dossier person's id</source>
      <translation>id van de persoon in het dossier</translation>
    </message>
    <message>
      <source>&amp;Period</source>
      <translation>&amp;Periode</translation>
    </message>
    <message>
      <source>Filter by period</source>
      <translation>Filteren op periode</translation>
    </message>
    <message>
      <source>From</source>
      <translation>Van</translation>
    </message>
    <message>
      <source>Until</source>
      <translation>Tot en met</translation>
    </message>
    <message>
      <source>&amp;User</source>
      <translation>&amp;Gebruiker</translation>
    </message>
    <message>
      <source>Dossier pe&amp;rson</source>
      <translation>Pe&amp;rsoon in dossier</translation>
    </message>
    <message>
      <source>to</source>
      <translation>t/m</translation>
    </message>
    <message>
      <source>&amp;Search</source>
      <translation>&amp;Zoeken</translation>
    </message>
    <message>
      <source>Search the audit log</source>
      <translation>Auditlog doorzoeken</translation>
    </message>
    <message>
      <source>Audit rows</source>
      <translation>Regels van het auditlog</translation>
    </message>
    <message>
      <source>A dossier person is named by their id.</source>
      <translation>Geef een persoon in het dossier aan met het id.</translation>
    </message>
    <message>
      <source>Searching…</source>
      <translation>Zoeken…</translation>
    </message>
    <message>
      <source>The newest %1 of %2 rows.</source>
      <translation>De nieuwste %1 van %2 regels.</translation>
    </message>
    <message numerus="yes">
      <source>%n row(s).</source>
      <translation>
        <numerusform>%n regel.</numerusform>
        <numerusform>%n regels.</numerusform>
      </translation>
    </message>
    <message>
      <source>No rows match.</source>
      <translation>Geen regels gevonden.</translation>
    </message>
  </context>
  <context>
    <name>CardReader</name>
    <message>
      <source>See also</source>
      <translation>Zie ook</translation>
    </message>
  </context>
  <context>
    <name>CardsTab</name>
    <message>
      <source>Language of the card</source>
      <translation>Taal van de kaart</translation>
    </message>
    <message>
      <source>Dutch</source>
      <translation>Nederlands</translation>
    </message>
    <message>
      <source>English</source>
      <translation>Engels</translation>
    </message>
    <message>
      <source>Guidance card</source>
      <translation>Hulpkaart</translation>
    </message>
    <message>
      <source>&amp;House rules</source>
      <translation>&amp;Huisregels</translation>
    </message>
    <message>
      <source>Edit the house rules</source>
      <translation>De huisregels bewerken</translation>
    </message>
    <message>
      <source>C&amp;ard</source>
      <translation>&amp;Kaart</translation>
    </message>
    <message>
      <source>La&amp;nguage</source>
      <translation>&amp;Taal</translation>
    </message>
    <message>
      <source>Markdown of the card</source>
      <translation>Markdown van de kaart</translation>
    </message>
    <message>
      <source>Preview of the card</source>
      <translation>Voorbeeld van de kaart</translation>
    </message>
    <message>
      <source>&amp;Save card</source>
      <translation>Kaart &amp;opslaan</translation>
    </message>
    <message>
      <source>Save the card</source>
      <translation>De kaart opslaan</translation>
    </message>
    <message>
      <source>%1 (organisation, version %2)</source>
      <translation>%1 (organisatie, versie %2)</translation>
    </message>
    <message>
      <source>Version %1, by %2.</source>
      <translation>Versie %1, door %2.</translation>
    </message>
    <message>
      <source>The shipped card: saving makes it the organisation's own.</source>
      <translation>De meegeleverde kaart: opslaan maakt hem de eigen kaart van de organisatie.</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>Opslaan…</translation>
    </message>
    <message>
      <source>Saved as version %1.</source>
      <translation>Opgeslagen als versie %1.</translation>
    </message>
    <message>
      <source>Not saved.</source>
      <translation>Niet opgeslagen.</translation>
    </message>
  </context>
  <context>
    <name>ClosingDaysTab</name>
    <message>
      <source>Weekends and public holidays never count as working days. Add the days the organisation is closed as well (such as the Friday after Ascension Day): deadlines in working days, like the police report within 2 working days, skip them.</source>
      <translation>Weekenden en feestdagen tellen nooit als werkdag. Voeg ook de dagen toe waarop de organisatie gesloten is (zoals de vrijdag na Hemelvaart): termijnen in werkdagen, zoals de aangifte binnen 2 werkdagen, slaan ze over.</translation>
    </message>
    <message>
      <source>Closing days</source>
      <translation>Sluitingsdagen</translation>
    </message>
    <message>
      <source>Closing day</source>
      <translation>Sluitingsdag</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Reden</translation>
    </message>
    <message>
      <source>e.g. bridge day</source>
      <translation>bijv. brugdag</translation>
    </message>
    <message>
      <source>&amp;Add</source>
      <translation>&amp;Toevoegen</translation>
    </message>
    <message>
      <source>Add the closing day</source>
      <translation>De sluitingsdag toevoegen</translation>
    </message>
    <message>
      <source>&amp;Remove</source>
      <translation>&amp;Verwijderen</translation>
    </message>
    <message>
      <source>Remove the chosen closing day</source>
      <translation>De gekozen sluitingsdag verwijderen</translation>
    </message>
    <message>
      <source>&amp;Day</source>
      <translation>&amp;Dag</translation>
    </message>
    <message>
      <source>No closing days: weekends and public holidays only.</source>
      <translation>Geen sluitingsdagen: alleen weekenden en feestdagen.</translation>
    </message>
    <message>
      <source>Choose a closing day in the list first.</source>
      <translation>Kies eerst een sluitingsdag in de lijst.</translation>
    </message>
  </context>
  <context>
    <name>ConfirmationPage</name>
    <message>
      <source>Your report has been saved</source>
      <translation>Je melding is opgeslagen</translation>
    </message>
    <message>
      <source>Reference number</source>
      <translation>Meldingsnummer</translation>
    </message>
    <message>
      <source>Where your report is</source>
      <translation>Waar je melding is</translation>
    </message>
    <message>
      <source>What happens next</source>
      <translation>Wat er nu gebeurt</translation>
    </message>
    <message>
      <source>&amp;New report</source>
      <translation>Nieuwe &amp;melding</translation>
    </message>
    <message>
      <source>New report</source>
      <translation>Nieuwe melding</translation>
    </message>
    <message>
      <source>Your report is saved on this workstation. No server is set up, so it stays here and is not sent anywhere.</source>
      <translation>Je melding is bewaard op deze werkplek. Er is geen server ingesteld, dus de melding blijft hier en wordt nergens heen verzonden.</translation>
    </message>
    <message>
      <source>Your report is saved on this workstation and is being sent now.</source>
      <translation>Je melding is bewaard op deze werkplek en wordt nu verzonden.</translation>
    </message>
    <message>
      <source>Your report is saved on this workstation. The server cannot be reached now; it is sent as soon as the server can be reached.</source>
      <translation>Je melding is bewaard op deze werkplek. De server is nu niet bereikbaar; de melding wordt verzonden zodra de server bereikbaar is.</translation>
    </message>
    <message>
      <source>Your team lead is informed and reads your report.</source>
      <translation>Je teamleider krijgt bericht en leest je melding.</translation>
    </message>
    <message>
      <source>Tell your team lead about it yourself: without a server nobody is informed automatically.</source>
      <translation>Vertel het je teamleider zelf: zonder server krijgt niemand automatisch bericht.</translation>
    </message>
    <message>
      <source>Your team lead is informed as soon as your report reaches the server.</source>
      <translation>Je teamleider krijgt bericht zodra je melding de server bereikt.</translation>
    </message>
    <message>
      <source>You asked for an aftercare talk: it takes place before %1.</source>
      <translation>Je hebt om een nazorggesprek gevraagd: dat vindt plaats vóór %1.</translation>
    </message>
    <message>
      <source>An aftercare talk is offered to you before %1.</source>
      <translation>Je krijgt vóór %1 een nazorggesprek aangeboden.</translation>
    </message>
    <message>
      <source>Advice: report this to the police (aangifte) before %1. Use the organisation's address, never your own, and mention “VPT”.</source>
      <translation>Advies: doe vóór %1 aangifte bij de politie. Gebruik het adres van de organisatie, nooit je eigen adres, en noem “VPT”.</translation>
    </message>
    <message>
      <source>Follow your report and add information in My reports.</source>
      <translation>Volg je melding en voeg informatie toe onder Mijn meldingen.</translation>
    </message>
  </context>
  <context>
    <name>ConflictDialog</name>
    <message>
      <source>(empty)</source>
      <translation>(leeg)</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nee</translation>
    </message>
    <message>
      <source>Two versions of a report</source>
      <translation>Twee versies van een melding</translation>
    </message>
    <message>
      <source>Two versions of “%1” in report %2</source>
      <translation>Twee versies van ‘%1’ in melding %2</translation>
    </message>
    <message>
      <source>(unknown)</source>
      <translation>(onbekend)</translation>
    </message>
    <message>
      <source>%1 changed this field while you changed it too. Both versions are kept until you choose which one stays.</source>
      <translation>%1 heeft dit veld gewijzigd terwijl jij het ook wijzigde. Beide versies blijven bewaard tot je kiest welke blijft.</translation>
    </message>
    <message>
      <source>Someone else</source>
      <translation>Iemand anders</translation>
    </message>
    <message>
      <source>Your version</source>
      <translation>Jouw versie</translation>
    </message>
    <message>
      <source>Version of %1</source>
      <translation>Versie van %1</translation>
    </message>
    <message>
      <source>Version on the server</source>
      <translation>Versie op de server</translation>
    </message>
    <message>
      <source>&amp;Keep my version</source>
      <translation>&amp;Mijn versie houden</translation>
    </message>
    <message>
      <source>Keep my version</source>
      <translation>Mijn versie houden</translation>
    </message>
    <message>
      <source>&amp;Take that version</source>
      <translation>&amp;Die versie overnemen</translation>
    </message>
    <message>
      <source>Take that version</source>
      <translation>Die versie overnemen</translation>
    </message>
    <message>
      <source>Decide &amp;later</source>
      <translation>&amp;Later beslissen</translation>
    </message>
    <message>
      <source>Decide later</source>
      <translation>Later beslissen</translation>
    </message>
    <message>
      <source>This report is no longer on this workstation; the choice cannot be made.</source>
      <translation>Deze melding staat niet meer op deze werkplek; de keuze kan niet worden gemaakt.</translation>
    </message>
  </context>
  <context>
    <name>ConflictNotifier</name>
    <message numerus="yes">
      <source>%n report field(s) were changed by someone else at the same time as by you. Choose which version stays under Settings → Synchronisation.</source>
      <translation>
        <numerusform>%n veld van een melding is tegelijk door iemand anders en door jou gewijzigd. Kies onder Instellingen → Synchronisatie welke versie blijft.</numerusform>
        <numerusform>%n velden van meldingen zijn tegelijk door iemand anders en door jou gewijzigd. Kies onder Instellingen → Synchronisatie welke versie blijft.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ConnectionStatus</name>
    <message>
      <source>Connection status</source>
      <translation>Verbindingsstatus</translation>
    </message>
    <message>
      <source>Local</source>
      <translation>Lokaal</translation>
    </message>
    <message>
      <source>No server configured: everything is kept on this workstation.</source>
      <translation>Geen server ingesteld: alles blijft op deze werkplek.</translation>
    </message>
    <message>
      <source>Connected</source>
      <translation>Verbonden</translation>
    </message>
    <message>
      <source>Connected with the server: reports are shared.</source>
      <translation>Verbonden met de server: meldingen worden gedeeld.</translation>
    </message>
    <message>
      <source>No connection since %1</source>
      <translation>Geen verbinding sinds %1</translation>
    </message>
    <message>
      <source>No connection</source>
      <translation>Geen verbinding</translation>
    </message>
    <message>
      <source>The server cannot be reached. Everything is kept here and sent as soon as it can be reached again.</source>
      <translation>De server is niet bereikbaar. Alles wordt hier bewaard en verstuurd zodra de server weer bereikbaar is.</translation>
    </message>
    <message>
      <source>1 change waiting</source>
      <translation>1 wijziging wacht</translation>
    </message>
    <message>
      <source>%1 changes waiting</source>
      <translation>%1 wijzigingen wachten</translation>
    </message>
    <message>
      <source>Alarm not connected</source>
      <translation>Alarm niet verbonden</translation>
    </message>
    <message>
      <source>Alarms from this workstation reach nobody.</source>
      <translation>Alarmen van deze werkplek bereiken niemand.</translation>
    </message>
  </context>
  <context>
    <name>DamageDialog</name>
    <message>
      <source>Amount of the damage</source>
      <translation>Bedrag van de schade</translation>
    </message>
    <message>
      <source>in euros, for example 149,95</source>
      <translation>in euro, bijvoorbeeld 149,95</translation>
    </message>
    <message>
      <source>Recovered through</source>
      <translation>Verhaald via</translation>
    </message>
    <message>
      <source>Not chosen yet</source>
      <translation>Nog niet gekozen</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Stand</translation>
    </message>
    <message>
      <source>Amount recovered</source>
      <translation>Bedrag verhaald</translation>
    </message>
    <message>
      <source>Fill in an amount in euros, for example 150 or 149,95.</source>
      <translation>Vul een bedrag in euro in, bijvoorbeeld 150 of 149,95.</translation>
    </message>
    <message>
      <source>An amount cannot be negative.</source>
      <translation>Een bedrag kan niet negatief zijn.</translation>
    </message>
  </context>
  <context>
    <name>Documents</name>
    <message>
      <source>page %1 of %2</source>
      <translation>pagina %1 van %2</translation>
    </message>
    <message>
      <source>Making the document</source>
      <translation>Document wordt gemaakt</translation>
    </message>
    <message>
      <source>Making the document…</source>
      <translation>Document wordt gemaakt…</translation>
    </message>
    <message>
      <source>Q%1 %2</source>
      <translation>K%1 %2</translation>
    </message>
    <message>
      <source>%1 s</source>
      <translation>%1 s</translation>
    </message>
    <message>
      <source>%1 min</source>
      <translation>%1 min</translation>
    </message>
    <message>
      <source>within 72 hours</source>
      <translation>binnen 72 uur</translation>
    </message>
    <message>
      <source>within 24 hours</source>
      <translation>binnen 24 uur</translation>
    </message>
    <message>
      <source>within 2 working days</source>
      <translation>binnen 2 werkdagen</translation>
    </message>
    <message>
      <source>every site</source>
      <translation>alle vestigingen</translation>
    </message>
    <message>
      <source>Other locations</source>
      <translation>Overige locaties</translation>
    </message>
    <message>
      <source>Management overview</source>
      <translation>Managementoverzicht</translation>
    </message>
    <message>
      <source>%1 · %2</source>
      <translation>%1 · %2</translation>
    </message>
    <message>
      <source>Made on %1 by VeiligBalie. Figures only: no names, no descriptions.</source>
      <translation>Gemaakt op %1 door VeiligBalie. Alleen cijfers: geen namen, geen beschrijvingen.</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>Meldingen</translation>
    </message>
    <message>
      <source>Alarms raised (this workstation's alarm log, no tests)</source>
      <translation>Alarmen gegeven (alarmlogboek van deze werkplek, zonder tests)</translation>
    </message>
    <message>
      <source>Alarms resolved without a report</source>
      <translation>Alarmen afgehandeld zonder melding</translation>
    </message>
    <message>
      <source>Reports per month</source>
      <translation>Meldingen per maand</translation>
    </message>
    <message>
      <source>Per category</source>
      <translation>Per categorie</translation>
    </message>
    <message>
      <source>Per location</source>
      <translation>Per locatie</translation>
    </message>
    <message>
      <source>Per severity</source>
      <translation>Per ernst</translation>
    </message>
    <message>
      <source>Follow-up on time</source>
      <translation>Opvolging op tijd</translation>
    </message>
    <message>
      <source>Deadline</source>
      <translation>Termijn</translation>
    </message>
    <message>
      <source>On time</source>
      <translation>Op tijd</translation>
    </message>
    <message>
      <source>Late</source>
      <translation>Te laat</translation>
    </message>
    <message>
      <source>Still open</source>
      <translation>Nog open</translation>
    </message>
    <message>
      <source>Share on time</source>
      <translation>Aandeel op tijd</translation>
    </message>
    <message>
      <source>Alarms and response times</source>
      <translation>Alarmen en aanrijtijden</translation>
    </message>
    <message>
      <source>Alarms raised</source>
      <translation>Alarmen gegeven</translation>
    </message>
    <message>
      <source>Answered with "I'm coming"</source>
      <translation>Beantwoord met ‘Ik kom eraan’</translation>
    </message>
    <message>
      <source>Not answered</source>
      <translation>Niet beantwoord</translation>
    </message>
    <message>
      <source>Median time to the first "I'm coming"</source>
      <translation>Mediane tijd tot het eerste ‘Ik kom eraan’</translation>
    </message>
    <message>
      <source>90% answered within</source>
      <translation>90% beantwoord binnen</translation>
    </message>
    <message>
      <source>Longest time to an answer</source>
      <translation>Langste tijd tot een antwoord</translation>
    </message>
    <message>
      <source>Cancelled alarms not followed up</source>
      <translation>Geannuleerde alarmen niet opgevolgd</translation>
    </message>
    <message>
      <source>On time: the follow-up task was done at or before its due date. Late: done after it, or still open past it. Still open: not due yet, not counted.</source>
      <translation>Op tijd: de opvolgtaak was uiterlijk op de termijn gedaan. Te laat: daarna gedaan, of na de termijn nog open. Nog open: termijn nog niet verstreken, niet meegeteld.</translation>
    </message>
    <message>
      <source>The alarm figures come from this workstation's alarm log and cover every site.</source>
      <translation>De alarmcijfers komen uit het alarmlogboek van deze werkplek en gelden voor alle vestigingen.</translation>
    </message>
    <message>
      <source>VeiligBalie · management overview · %1</source>
      <translation>VeiligBalie · managementoverzicht · %1</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nee</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>Nummer</translation>
    </message>
    <message>
      <source>Date and time</source>
      <translation>Datum en tijd</translation>
    </message>
    <message>
      <source>Categories</source>
      <translation>Categorieën</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Kanaal</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Assigned to</source>
      <translation>Toegewezen aan</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>Beschrijving</translation>
    </message>
    <message>
      <source>Injury</source>
      <translation>Letsel</translation>
    </message>
    <message>
      <source>Damage</source>
      <translation>Schade</translation>
    </message>
    <message>
      <source>Police called</source>
      <translation>Politie gebeld</translation>
    </message>
    <message>
      <source>Police report intended</source>
      <translation>Aangifte voorgenomen</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Alarm</translation>
    </message>
    <message>
      <source>Follow-up open</source>
      <translation>Opvolging open</translation>
    </message>
    <message>
      <source>Follow-up overdue</source>
      <translation>Opvolging te laat</translation>
    </message>
    <message>
      <source>Follow-up done</source>
      <translation>Opvolging gedaan</translation>
    </message>
    <message>
      <source>Perpetrator</source>
      <translation>Dader</translation>
    </message>
    <message>
      <source>Client or case number</source>
      <translation>Klant- of zaaknummer</translation>
    </message>
    <message>
      <source>%1 kB</source>
      <translation>%1 kB</translation>
    </message>
    <message>
      <source>%1 MB</source>
      <translation>%1 MB</translation>
    </message>
    <message>
      <source>Reporter</source>
      <translation>Melder</translation>
    </message>
    <message>
      <source>not assigned</source>
      <translation>niet toegewezen</translation>
    </message>
    <message>
      <source>recorded (only visible to team leads)</source>
      <translation>vastgelegd (alleen zichtbaar voor teamleiders)</translation>
    </message>
    <message>
      <source>File</source>
      <translation>Bestand</translation>
    </message>
    <message>
      <source>Size</source>
      <translation>Grootte</translation>
    </message>
    <message>
      <source>SHA-256 checksum</source>
      <translation>SHA-256-controlegetal</translation>
    </message>
    <message>
      <source>When and who</source>
      <translation>Wanneer en wie</translation>
    </message>
    <message>
      <source>What</source>
      <translation>Wat</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>Taak</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>Uiterlijk</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Gedaan</translation>
    </message>
    <message>
      <source>Details</source>
      <translation>Details</translation>
    </message>
    <message>
      <source>open</source>
      <translation>open</translation>
    </message>
    <message>
      <source>(no number yet)</source>
      <translation>(nog geen nummer)</translation>
    </message>
    <message>
      <source>Incident report %1</source>
      <translation>Incidentrapport %1</translation>
    </message>
    <message>
      <source>Made on %1 by VeiligBalie. Confidential: for the file.</source>
      <translation>Gemaakt op %1 door VeiligBalie. Vertrouwelijk: voor het dossier.</translation>
    </message>
    <message>
      <source>What happened</source>
      <translation>Wat er gebeurde</translation>
    </message>
    <message>
      <source>Information added</source>
      <translation>Aangevulde informatie</translation>
    </message>
    <message>
      <source>None.</source>
      <translation>Geen.</translation>
    </message>
    <message>
      <source>Evidence</source>
      <translation>Bewijsmateriaal</translation>
    </message>
    <message>
      <source>No files attached.</source>
      <translation>Geen bestanden bijgevoegd.</translation>
    </message>
    <message>
      <source>Timeline</source>
      <translation>Tijdlijn</translation>
    </message>
    <message>
      <source>Nothing yet.</source>
      <translation>Nog niets.</translation>
    </message>
    <message>
      <source>Follow-up tasks</source>
      <translation>Opvolgtaken</translation>
    </message>
    <message>
      <source>No follow-up tasks.</source>
      <translation>Geen opvolgtaken.</translation>
    </message>
    <message>
      <source>VeiligBalie · incident report %1 · confidential</source>
      <translation>VeiligBalie · incidentrapport %1 · vertrouwelijk</translation>
    </message>
  </context>
  <context>
    <name>Dossier</name>
    <message>
      <source>Only by appointment</source>
      <translation>Alleen op afspraak</translation>
    </message>
    <message>
      <source>Access ban</source>
      <translation>Toegangsverbod</translation>
    </message>
    <message>
      <source>Other measure</source>
      <translation>Andere maatregel</translation>
    </message>
    <message>
      <source>By letter</source>
      <translation>Per brief</translation>
    </message>
    <message>
      <source>In person</source>
      <translation>Persoonlijk</translation>
    </message>
    <message>
      <source>By phone</source>
      <translation>Telefonisch</translation>
    </message>
    <message>
      <source>proposed</source>
      <translation>voorgesteld</translation>
    </message>
    <message>
      <source>active</source>
      <translation>actief</translation>
    </message>
    <message>
      <source>ended</source>
      <translation>beëindigd</translation>
    </message>
    <message>
      <source>the text shown at the counter</source>
      <translation>de tekst voor de balie</translation>
    </message>
    <message>
      <source>the reason</source>
      <translation>de reden</translation>
    </message>
    <message>
      <source>the start of the period</source>
      <translation>het begin van de periode</translation>
    </message>
    <message>
      <source>the end of the period</source>
      <translation>het einde van de periode</translation>
    </message>
    <message>
      <source>an end date after the start date</source>
      <translation>een einddatum na de begindatum</translation>
    </message>
    <message>
      <source>who decided</source>
      <translation>wie besloot</translation>
    </message>
    <message>
      <source>the date of the decision</source>
      <translation>de datum van het besluit</translation>
    </message>
    <message>
      <source>the date the person was informed</source>
      <translation>de datum waarop de persoon is geïnformeerd</translation>
    </message>
    <message>
      <source>how the person was informed</source>
      <translation>hoe de persoon is geïnformeerd</translation>
    </message>
    <message>
      <source>which other measure</source>
      <translation>welke andere maatregel</translation>
    </message>
    <message>
      <source>The server cannot be reached now. Try again later.</source>
      <translation>De server is nu niet bereikbaar. Probeer het later opnieuw.</translation>
    </message>
    <message>
      <source>Only team leads and coordinators use the dossier.</source>
      <translation>Alleen teamleiders en coördinatoren gebruiken het dossier.</translation>
    </message>
    <message>
      <source>Not found, or not visible to you.</source>
      <translation>Niet gevonden, of niet zichtbaar voor u.</translation>
    </message>
    <message>
      <source>The server refused: %1</source>
      <translation>De server weigerde: %1</translation>
    </message>
    <message>
      <source>not set</source>
      <translation>niet ingevuld</translation>
    </message>
  </context>
  <context>
    <name>DossierSection</name>
    <message>
      <source>Person involved</source>
      <translation>Betrokkene</translation>
    </message>
    <message>
      <source>Known person</source>
      <translation>Bekende persoon</translation>
    </message>
    <message>
      <source>Other reports about this person</source>
      <translation>Andere meldingen over deze persoon</translation>
    </message>
    <message>
      <source>Signaleringen</source>
      <translation>Signaleringen</translation>
    </message>
    <message>
      <source>For which person</source>
      <translation>Voor welke persoon</translation>
    </message>
    <message>
      <source>Correct person…</source>
      <translation>Gegevens corrigeren…</translation>
    </message>
    <message>
      <source>Correct the chosen person</source>
      <translation>De gegevens van de gekozen persoon corrigeren</translation>
    </message>
    <message>
      <source>Unlink from this report</source>
      <translation>Ontkoppelen van deze melding</translation>
    </message>
    <message>
      <source>Unlink the chosen person from this report</source>
      <translation>De gekozen persoon ontkoppelen van deze melding</translation>
    </message>
    <message>
      <source>Propose signalering…</source>
      <translation>Signalering voorstellen…</translation>
    </message>
    <message>
      <source>Propose signalering</source>
      <translation>Signalering voorstellen</translation>
    </message>
    <message>
      <source>Complete or end…</source>
      <translation>Aanvullen of beëindigen…</translation>
    </message>
    <message>
      <source>Complete the chosen signalering</source>
      <translation>De gekozen signalering aanvullen</translation>
    </message>
    <message>
      <source>End</source>
      <translation>Beëindigen</translation>
    </message>
    <message>
      <source>End the chosen signalering</source>
      <translation>De gekozen signalering beëindigen</translation>
    </message>
    <message>
      <source>Link this report to a known person:</source>
      <translation>Deze melding koppelen aan een bekende persoon:</translation>
    </message>
    <message>
      <source>Name or client number</source>
      <translation>Naam of klantnummer</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Zoeken</translation>
    </message>
    <message>
      <source>Search a known person</source>
      <translation>Een bekende persoon zoeken</translation>
    </message>
    <message>
      <source>Known persons found</source>
      <translation>Gevonden bekende personen</translation>
    </message>
    <message>
      <source>Link to this report</source>
      <translation>Aan deze melding koppelen</translation>
    </message>
    <message>
      <source>Link the chosen person to this report</source>
      <translation>De gekozen persoon aan deze melding koppelen</translation>
    </message>
    <message>
      <source>Name of the new person</source>
      <translation>Naam van de nieuwe persoon</translation>
    </message>
    <message>
      <source>Name of a new person</source>
      <translation>Naam van een nieuwe persoon</translation>
    </message>
    <message>
      <source>New person from this report</source>
      <translation>Nieuwe persoon uit deze melding</translation>
    </message>
    <message>
      <source>Looking up the dossier…</source>
      <translation>Dossier opzoeken…</translation>
    </message>
    <message>
      <source>Offline: as read on %1.</source>
      <translation>Offline: zoals gelezen op %1.</translation>
    </message>
    <message>
      <source>This report is not linked to a known person.</source>
      <translation>Deze melding is niet gekoppeld aan een bekende persoon.</translation>
    </message>
    <message>
      <source>This report concerns the known person below.</source>
      <translation>Deze melding gaat over de bekende persoon hieronder.</translation>
    </message>
    <message>
      <source>This report concerns the known persons below.</source>
      <translation>Deze melding gaat over de bekende personen hieronder.</translation>
    </message>
    <message>
      <source>No other reports.</source>
      <translation>Geen andere meldingen.</translation>
    </message>
    <message>
      <source>%1 · %2 · %3</source>
      <translation>%1 · %2 · %3</translation>
    </message>
    <message>
      <source>(no number yet)</source>
      <translation>(nog geen nummer)</translation>
    </message>
    <message>
      <source>%1 (%2): %3</source>
      <translation>%1 (%2): %3</translation>
    </message>
    <message>
      <source>%1 until %2</source>
      <translation>%1 tot en met %2</translation>
    </message>
    <message>
      <source>still needed: %1</source>
      <translation>nog nodig: %1</translation>
    </message>
    <message numerus="yes">
      <source>%n report(s)</source>
      <translation>
        <numerusform>%n melding</numerusform>
        <numerusform>%n meldingen</numerusform>
      </translation>
    </message>
    <message>
      <source>Nobody found.</source>
      <translation>Niemand gevonden.</translation>
    </message>
    <message>
      <source>Choose a person from the list first.</source>
      <translation>Kies eerst een persoon uit de lijst.</translation>
    </message>
    <message>
      <source>Give the new person a name first.</source>
      <translation>Geef de nieuwe persoon eerst een naam.</translation>
    </message>
    <message>
      <source>Nothing was changed.</source>
      <translation>Er is niets gewijzigd.</translation>
    </message>
    <message>
      <source>The record of %1 is corrected.</source>
      <translation>De gegevens van %1 zijn gecorrigeerd.</translation>
    </message>
    <message>
      <source>The record of %1 is corrected (now: %2).</source>
      <translation>De gegevens van %1 zijn gecorrigeerd (nu: %2).</translation>
    </message>
    <message>
      <source>The correction was not saved: a text is too long.</source>
      <translation>De correctie is niet opgeslagen: een tekst is te lang.</translation>
    </message>
    <message>
      <source>%1 is no longer linked to this report; search to link again.</source>
      <translation>%1 is niet meer gekoppeld aan deze melding; zoek om opnieuw te koppelen.</translation>
    </message>
    <message>
      <source>An ended signalering is kept as it was.</source>
      <translation>Een beëindigde signalering blijft zoals ze was.</translation>
    </message>
    <message>
      <source>Choose a signalering from the list first.</source>
      <translation>Kies eerst een signalering uit de lijst.</translation>
    </message>
  </context>
  <context>
    <name>DraftController</name>
    <message>
      <source>Unsaved report</source>
      <translation>Niet-opgeslagen melding</translation>
    </message>
    <message>
      <source>no description yet</source>
      <translation>nog geen omschrijving</translation>
    </message>
    <message>
      <source>Unsaved report restored from %1.</source>
      <translation>Niet-opgeslagen melding van %1 teruggezet.</translation>
    </message>
    <message>
      <source>An unsaved report was found (last typed %1: “%2”). Continue?</source>
      <translation>Er is een niet-opgeslagen melding gevonden (laatst getypt %1: “%2”). Verder gaan?</translation>
    </message>
    <message>
      <source>There are %1 unsaved reports; the others are offered later.</source>
      <translation>Er zijn %1 niet-opgeslagen meldingen; de andere worden later aangeboden.</translation>
    </message>
    <message>
      <source>Continue</source>
      <translation>Verder gaan</translation>
    </message>
    <message>
      <source>Later</source>
      <translation>Later</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Weggooien</translation>
    </message>
    <message>
      <source>Draft could not be saved on this workstation.</source>
      <translation>Het concept kon niet worden bewaard op deze werkplek.</translation>
    </message>
    <message>
      <source>Draft saved automatically at %1.</source>
      <translation>Concept automatisch bewaard om %1.</translation>
    </message>
  </context>
  <context>
    <name>EnrolmentCodeDialog</name>
    <message>
      <source>Link code for %1</source>
      <translation>Koppelcode voor %1</translation>
    </message>
    <message>
      <source>Link code</source>
      <translation>Koppelcode</translation>
    </message>
    <message>
      <source>Enter this one-time code on workstation %1 under Settings &gt; Link with server, or scan the QR code there. It is shown only now.</source>
      <translation>Voer deze eenmalige code in op werkplek %1 onder Instellingen &gt; Koppelen met server, of scan daar de QR-code. De code wordt alleen nu getoond.</translation>
    </message>
    <message>
      <source>Valid once, until %1</source>
      <translation>Eenmalig geldig, tot %1</translation>
    </message>
    <message>
      <source>Link code as QR code</source>
      <translation>Koppelcode als QR-code</translation>
    </message>
    <message>
      <source>Copy code</source>
      <translation>Code kopiëren</translation>
    </message>
    <message>
      <source>Copy the link code</source>
      <translation>De koppelcode kopiëren</translation>
    </message>
    <message>
      <source>Copied</source>
      <translation>Gekopieerd</translation>
    </message>
  </context>
  <context>
    <name>EvaluationDialog</name>
    <message>
      <source>1. Risk</source>
      <translation>1. Risico</translation>
    </message>
    <message>
      <source>2. Cause</source>
      <translation>2. Oorzaak</translation>
    </message>
    <message>
      <source>3. Trend</source>
      <translation>3. Trend</translation>
    </message>
    <message>
      <source>4. Improvement measures</source>
      <translation>4. Verbetermaatregelen</translation>
    </message>
    <message>
      <source>Measures (tick each when done)</source>
      <translation>Maatregelen (vink elk af als die gedaan is)</translation>
    </message>
    <message>
      <source>Measures</source>
      <translation>Maatregelen</translation>
    </message>
    <message>
      <source>New measure</source>
      <translation>Nieuwe maatregel</translation>
    </message>
    <message>
      <source>Owner</source>
      <translation>Eigenaar</translation>
    </message>
    <message>
      <source>Add</source>
      <translation>Toevoegen</translation>
    </message>
    <message>
      <source>Add measure</source>
      <translation>Maatregel toevoegen</translation>
    </message>
  </context>
  <context>
    <name>FollowUpDialog</name>
    <message>
      <source>Tick off: %1</source>
      <translation>Afvinken: %1</translation>
    </message>
    <message>
      <source>%1 · due %2</source>
      <translation>%1 · uiterlijk %2</translation>
    </message>
    <message>
      <source>Date done</source>
      <translation>Gedaan op</translation>
    </message>
    <message>
      <source>Short note</source>
      <translation>Korte notitie</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Probleem</translation>
    </message>
    <message>
      <source>Tick off</source>
      <translation>Afvinken</translation>
    </message>
    <message>
      <source>Save without ticking off</source>
      <translation>Opslaan zonder afvinken</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Annuleren</translation>
    </message>
    <message>
      <source>Nobody in particular</source>
      <translation>Niemand in het bijzonder</translation>
    </message>
    <message>
      <source>%1 (peer support team)</source>
      <translation>%1 (collegiaal opvangteam)</translation>
    </message>
  </context>
  <context>
    <name>FollowUpService</name>
    <message>
      <source>This task is no longer on this workstation.</source>
      <translation>Deze taak staat niet meer op deze werkplek.</translation>
    </message>
    <message>
      <source>This step cannot be recorded: </source>
      <translation>Deze stap kan niet worden vastgelegd: </translation>
    </message>
    <message>
      <source>Fill in when it was done.</source>
      <translation>Vul in wanneer het gedaan is.</translation>
    </message>
    <message>
      <source>The date it was done lies in the future.</source>
      <translation>De datum waarop het gedaan is ligt in de toekomst.</translation>
    </message>
    <message>
      <source>Fill in the police report number, or why no report was made.</source>
      <translation>Vul het nummer van de aangifte in, of waarom er geen aangifte is gedaan.</translation>
    </message>
    <message>
      <source>Choose the measure taken towards the perpetrator.</source>
      <translation>Kies de maatregel richting de dader.</translation>
    </message>
    <message>
      <source>Write briefly why no report is needed.</source>
      <translation>Schrijf kort waarom geen melding nodig is.</translation>
    </message>
  </context>
  <context>
    <name>GlobalHotkey</name>
    <message>
      <source>Key not usable: %1</source>
      <translation>Toets niet bruikbaar: %1</translation>
    </message>
    <message>
      <source>Global hotkey not available on this platform; use the button or the key inside the window</source>
      <translation>Globale sneltoets niet beschikbaar op dit platform; gebruik de knop of de sneltoets binnen het venster</translation>
    </message>
    <message>
      <source>%1 switches to a text console on Linux and cannot be used; choose another key, for example Ctrl+Shift+F12</source>
      <translation>%1 schakelt onder Linux naar een tekstconsole en is niet bruikbaar; kies een andere toets, bijvoorbeeld Ctrl+Shift+F12</translation>
    </message>
    <message>
      <source>Global hotkey %1 not registered: %2</source>
      <translation>Globale sneltoets %1 niet vastgelegd: %2</translation>
    </message>
    <message>
      <source>Global hotkey %1 active in every program</source>
      <translation>Globale sneltoets %1 werkt in elk programma</translation>
    </message>
  </context>
  <context>
    <name>GuidanceBeside</name>
    <message>
      <source>Help</source>
      <translation>Hulp</translation>
    </message>
    <message>
      <source>Help beside the form</source>
      <translation>Hulp naast het formulier</translation>
    </message>
    <message>
      <source>Open in Help</source>
      <translation>Openen in Hulp</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Sluiten</translation>
    </message>
  </context>
  <context>
    <name>HelpView</name>
    <message>
      <source>Help</source>
      <translation>Hulp</translation>
    </message>
    <message>
      <source>During the conversation</source>
      <translation>Tijdens het gesprek</translation>
    </message>
    <message>
      <source>For team leads</source>
      <translation>Voor teamleiders</translation>
    </message>
    <message>
      <source>Feeling unsafe? Press the alarm or %1. Life in danger? Call 112.</source>
      <translation>Voel je je onveilig? Druk op het alarm of %1. Levensgevaar? Bel 112.</translation>
    </message>
    <message>
      <source>Search: a word, e.g. aangifte, schelden, doxing</source>
      <translation>Zoeken: een woord, bijv. aangifte, schelden, doxing</translation>
    </message>
    <message>
      <source>Search the help</source>
      <translation>Zoeken in Hulp</translation>
    </message>
    <message>
      <source>Help cards</source>
      <translation>Hulpkaarten</translation>
    </message>
    <message>
      <source>No card holds these words.</source>
      <translation>Geen kaart bevat deze woorden.</translation>
    </message>
    <message>
      <source>Practise (refresher)</source>
      <translation>Oefenen (opfrisser)</translation>
    </message>
    <message>
      <source>Prevention check</source>
      <translation>Preventie-check</translation>
    </message>
    <message>
      <source>Print the house rules as a poster</source>
      <translation>De huisregels afdrukken als poster</translation>
    </message>
    <message>
      <source>Print poster:</source>
      <translation>Poster afdrukken:</translation>
    </message>
    <message>
      <source>Poster (%1)…</source>
      <translation>Poster (%1)…</translation>
    </message>
    <message>
      <source>House-rules poster, %1</source>
      <translation>Poster met de huisregels, %1</translation>
    </message>
    <message>
      <source>Save the house-rules poster</source>
      <translation>Poster met de huisregels opslaan</translation>
    </message>
    <message>
      <source>house rules %1</source>
      <translation>huisregels %1</translation>
    </message>
    <message>
      <source>PDF document (*.pdf)</source>
      <translation>PDF-document (*.pdf)</translation>
    </message>
    <message>
      <source>After an incident</source>
      <translation>Na een incident</translation>
    </message>
  </context>
  <context>
    <name>IncidentDetailView</name>
    <message>
      <source>Report detail</source>
      <translation>Melding in detail</translation>
    </message>
    <message>
      <source>← Back</source>
      <translation>← Terug</translation>
    </message>
    <message>
      <source>Back to the log</source>
      <translation>Terug naar het logboek</translation>
    </message>
    <message>
      <source>Back to the log (Esc)</source>
      <translation>Terug naar het logboek (Esc)</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Report (PDF)</source>
      <translation>Rapport (PDF)</translation>
    </message>
    <message>
      <source>Make the incident report for the file (PDF)</source>
      <translation>Het incidentrapport voor het dossier maken (PDF)</translation>
    </message>
    <message>
      <source>Prepare police report</source>
      <translation>Aangifte voorbereiden</translation>
    </message>
    <message>
      <source>Actions</source>
      <translation>Acties</translation>
    </message>
    <message>
      <source>Assign to</source>
      <translation>Toewijzen aan</translation>
    </message>
    <message>
      <source>&amp;Assign to:</source>
      <translation>&amp;Toewijzen aan:</translation>
    </message>
    <message>
      <source>Assign</source>
      <translation>Toewijzen</translation>
    </message>
    <message>
      <source>In progress</source>
      <translation>In behandeling</translation>
    </message>
    <message>
      <source>Set to in progress</source>
      <translation>Op in behandeling zetten</translation>
    </message>
    <message>
      <source>Close…</source>
      <translation>Afsluiten…</translation>
    </message>
    <message>
      <source>Close the report</source>
      <translation>Melding afsluiten</translation>
    </message>
    <message>
      <source>Message to reporter…</source>
      <translation>Bericht aan melder…</translation>
    </message>
    <message>
      <source>Message to reporter</source>
      <translation>Bericht aan melder</translation>
    </message>
    <message>
      <source>Make letter…</source>
      <translation>Brief maken…</translation>
    </message>
    <message>
      <source>Make a letter to the perpetrator</source>
      <translation>Een brief aan de dader maken</translation>
    </message>
    <message>
      <source>incident report %1</source>
      <translation>incidentrapport %1</translation>
    </message>
    <message>
      <source>Save the incident report</source>
      <translation>Incidentrapport opslaan</translation>
    </message>
    <message>
      <source>PDF document (*.pdf)</source>
      <translation>PDF-document (*.pdf)</translation>
    </message>
    <message>
      <source>The report</source>
      <translation>De melding</translation>
    </message>
    <message>
      <source>Added later by the reporter</source>
      <translation>Later aangevuld door de melder</translation>
    </message>
    <message>
      <source>Evidence</source>
      <translation>Bewijs</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Alarm</translation>
    </message>
    <message>
      <source>Alarm log</source>
      <translation>Alarmlogboek</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Opvolging</translation>
    </message>
    <message>
      <source>The reporter now sees that you received the report.</source>
      <translation>De melder ziet nu dat je de melding hebt ontvangen.</translation>
    </message>
    <message>
      <source>%1 · %2</source>
      <translation>%1 · %2</translation>
    </message>
    <message>
      <source>(no number yet)</source>
      <translation>(nog geen nummer)</translation>
    </message>
    <message>
      <source>Status: %1</source>
      <translation>Status: %1</translation>
    </message>
    <message>
      <source>Assigned to %1</source>
      <translation>Toegewezen aan %1</translation>
    </message>
    <message>
      <source>Not assigned yet</source>
      <translation>Nog niet toegewezen</translation>
    </message>
    <message>
      <source>When</source>
      <translation>Wanneer</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>Waar</translation>
    </message>
    <message>
      <source>How</source>
      <translation>Hoe</translation>
    </message>
    <message>
      <source>What happened</source>
      <translation>Wat er gebeurde</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Reporter</source>
      <translation>Melder</translation>
    </message>
    <message>
      <source>On behalf of</source>
      <translation>Namens</translation>
    </message>
    <message>
      <source>Perpetrator</source>
      <translation>Dader</translation>
    </message>
    <message>
      <source>Client or case number</source>
      <translation>Klant- of zaaknummer</translation>
    </message>
    <message>
      <source>known, not described</source>
      <translation>bekend, niet beschreven</translation>
    </message>
    <message>
      <source>recorded (only visible to team leads)</source>
      <translation>vastgelegd (alleen zichtbaar voor teamleiders)</translation>
    </message>
    <message>
      <source>Witnesses</source>
      <translation>Getuigen</translation>
    </message>
    <message>
      <source>Consequences</source>
      <translation>Gevolgen</translation>
    </message>
    <message>
      <source>none recorded</source>
      <translation>geen vastgelegd</translation>
    </message>
    <message>
      <source>aftercare talk wanted</source>
      <translation>nazorggesprek gewenst</translation>
    </message>
    <message>
      <source>only visible to the team lead</source>
      <translation>alleen zichtbaar voor de teamleider</translation>
    </message>
    <message>
      <source>Wishes</source>
      <translation>Wensen</translation>
    </message>
    <message>
      <source>No files attached.</source>
      <translation>Geen bestanden bijgevoegd.</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Openen</translation>
    </message>
    <message>
      <source>Open %1</source>
      <translation>%1 openen</translation>
    </message>
    <message>
      <source>on the server</source>
      <translation>op de server</translation>
    </message>
    <message>
      <source>file missing on this workstation</source>
      <translation>bestand ontbreekt op deze werkplek</translation>
    </message>
    <message>
      <source>No program on this workstation opens this kind of file.</source>
      <translation>Geen programma op deze werkplek opent dit soort bestand.</translation>
    </message>
    <message>
      <source>Fetching %1 from the server…</source>
      <translation>%1 wordt van de server opgehaald…</translation>
    </message>
    <message>
      <source>%1 is on the server; it cannot be fetched to this workstation yet. Open the report on the reporter's workstation to see it.</source>
      <translation>%1 staat op de server; het kan nog niet naar deze werkplek worden opgehaald. Open de melding op de werkplek van de melder om het te bekijken.</translation>
    </message>
    <message>
      <source>Nothing yet.</source>
      <translation>Nog niets.</translation>
    </message>
    <message>
      <source>Fetching the alarm log…</source>
      <translation>Alarmlogboek wordt opgehaald…</translation>
    </message>
    <message>
      <source>An alarm was pressed for this report; its log is not on this workstation.</source>
      <translation>Bij deze melding is een alarm gegeven; het logboek daarvan staat niet op deze werkplek.</translation>
    </message>
    <message>
      <source>silent alarm</source>
      <translation>stil alarm</translation>
    </message>
    <message>
      <source>open alarm</source>
      <translation>open alarm</translation>
    </message>
    <message>
      <source>aggression</source>
      <translation>agressie</translation>
    </message>
    <message>
      <source>medical</source>
      <translation>medisch</translation>
    </message>
    <message>
      <source>other</source>
      <translation>overig</translation>
    </message>
    <message>
      <source>%1 (%2) pressed at %3 on %4, %5.</source>
      <translation>%1 (%2) gegeven op %3 vanaf %4, %5.</translation>
    </message>
    <message>
      <source>Test alarm.</source>
      <translation>Testalarm.</translation>
    </message>
    <message>
      <source>First answer after %1.</source>
      <translation>Eerste reactie na %1.</translation>
    </message>
    <message>
      <source>Nobody answered.</source>
      <translation>Niemand reageerde.</translation>
    </message>
    <message>
      <source>No log lines.</source>
      <translation>Geen regels in het logboek.</translation>
    </message>
    <message>
      <source>%1 s</source>
      <translation>%1 s</translation>
    </message>
    <message>
      <source>%1 min %2 s</source>
      <translation>%1 min %2 s</translation>
    </message>
    <message>
      <source>the server</source>
      <translation>de server</translation>
    </message>
    <message>
      <source>the network (LAN)</source>
      <translation>het netwerk (LAN)</translation>
    </message>
    <message>
      <source>this workstation</source>
      <translation>deze werkplek</translation>
    </message>
    <message>
      <source>the webhook</source>
      <translation>de webhook</translation>
    </message>
    <message>
      <source> and </source>
      <translation> en </translation>
    </message>
    <message>
      <source>Pressed by %1 (the server heard of it afterwards)</source>
      <translation>Gegeven door %1 (de server hoorde het achteraf)</translation>
    </message>
    <message>
      <source>Pressed by %1</source>
      <translation>Gegeven door %1</translation>
    </message>
    <message>
      <source>Reported to the server afterwards: it could not be reached then</source>
      <translation>Achteraf aan de server gemeld: die was toen niet bereikbaar</translation>
    </message>
    <message>
      <source>Stored on the server</source>
      <translation>Op de server vastgelegd</translation>
    </message>
    <message>
      <source>The server refused it: %1</source>
      <translation>De server weigerde het: %1</translation>
    </message>
    <message>
      <source>Sent over %1</source>
      <translation>Verstuurd via %1</translation>
    </message>
    <message>
      <source>Reached %1 over %2, after %3</source>
      <translation>Bij %1 aangekomen via %2, na %3</translation>
    </message>
    <message>
      <source>%1 answered "I'm coming" over %2, after %3</source>
      <translation>%1 antwoordde "Ik kom eraan" via %2, na %3</translation>
    </message>
    <message>
      <source>Alerted at once with the press (level %1)</source>
      <translation>Direct bij het indrukken gewaarschuwd (niveau %1)</translation>
    </message>
    <message>
      <source>Escalated to level %1, after %2</source>
      <translation>Geëscaleerd naar niveau %1, na %2</translation>
    </message>
    <message>
      <source>Escalated after %1</source>
      <translation>Opgeschaald na %1</translation>
    </message>
    <message>
      <source>Resolved by %1, after %2</source>
      <translation>Afgehandeld door %1, na %2</translation>
    </message>
    <message>
      <source>Cancelled by %1 (a mistake), after %2</source>
      <translation>Ingetrokken door %1 (vergissing), na %2</translation>
    </message>
    <message>
      <source>Reached nobody at the moment of the press</source>
      <translation>Bereikte niemand op het moment van het alarm</translation>
    </message>
    <message>
      <source>Sent, but no colleague was reachable at the moment of the press</source>
      <translation>Verzonden, maar op het moment van drukken was geen collega bereikbaar</translation>
    </message>
    <message>
      <source>Type changed by %1</source>
      <translation>Soort gewijzigd door %1</translation>
    </message>
    <message>
      <source>%1 by %2 over %3</source>
      <translation>%1 door %2 via %3</translation>
    </message>
    <message>
      <source>Myself (%1)</source>
      <translation>Ikzelf (%1)</translation>
    </message>
    <message>
      <source>The letter is made and recorded on the timeline.</source>
      <translation>De brief is gemaakt en op de tijdlijn vastgelegd.</translation>
    </message>
    <message>
      <source>Assigned to %1.</source>
      <translation>Toegewezen aan %1.</translation>
    </message>
    <message>
      <source>The report is in progress; the reporter sees it.</source>
      <translation>De melding is in behandeling; de melder ziet dat.</translation>
    </message>
    <message>
      <source>&amp;Conclusion for the reporter (short, required):</source>
      <translation>&amp;Conclusie voor de melder (kort, verplicht):</translation>
    </message>
    <message>
      <source>Close report</source>
      <translation>Melding afsluiten</translation>
    </message>
    <message>
      <source>The report is closed.</source>
      <translation>De melding is afgesloten.</translation>
    </message>
    <message>
      <source>&amp;Message (the reporter reads it in My reports):</source>
      <translation>&amp;Bericht (de melder leest het in Mijn meldingen):</translation>
    </message>
    <message>
      <source>Send message</source>
      <translation>Bericht versturen</translation>
    </message>
    <message>
      <source>Message saved; it goes to the reporter.</source>
      <translation>Bericht opgeslagen; het gaat naar de melder.</translation>
    </message>
    <message>
      <source>Only a team lead or the coordinator can do this.</source>
      <translation>Alleen een teamleider of de coördinator kan dit doen.</translation>
    </message>
    <message>
      <source>This report is no longer on this workstation.</source>
      <translation>Deze melding staat niet meer op deze werkplek.</translation>
    </message>
    <message>
      <source>Write a short conclusion: the reporter reads it when the report is closed.</source>
      <translation>Schrijf een korte conclusie: de melder leest die als de melding is afgesloten.</translation>
    </message>
    <message>
      <source>Write the message first.</source>
      <translation>Schrijf eerst het bericht.</translation>
    </message>
    <message>
      <source>This is too long: at most %1 characters.</source>
      <translation>Dit is te lang: maximaal %1 tekens.</translation>
    </message>
    <message>
      <source>This report is closed already.</source>
      <translation>Deze melding is al afgesloten.</translation>
    </message>
    <message>
      <source>Choose who to assign the report to.</source>
      <translation>Kies aan wie je de melding toewijst.</translation>
    </message>
  </context>
  <context>
    <name>IncidentForm</name>
    <message>
      <source>Report an incident</source>
      <translation>Een incident melden</translation>
    </message>
    <message>
      <source>Only what happened, the kind of incident and a short description are needed. Ctrl+Enter saves.</source>
      <translation>Alleen wat er gebeurde, de soort voorval en een korte omschrijving zijn nodig. Ctrl+Enter slaat op.</translation>
    </message>
    <message>
      <source>Draft status</source>
      <translation>Status van het concept</translation>
    </message>
    <message>
      <source>Cancel (Esc)</source>
      <translation>Annuleren (Esc)</translation>
    </message>
    <message>
      <source>Cancel the report</source>
      <translation>Melding annuleren</translation>
    </message>
    <message>
      <source>Save report (Ctrl+Enter)</source>
      <translation>Melding opslaan (Ctrl+Enter)</translation>
    </message>
    <message>
      <source>Save report</source>
      <translation>Melding opslaan</translation>
    </message>
    <message>
      <source>Files are still being copied; save again in a moment.</source>
      <translation>De bestanden worden nog gekopieerd; sla zo meteen opnieuw op.</translation>
    </message>
    <message>
      <source>Filled in from your alarm of %1 — complete it and save.</source>
      <translation>Ingevuld vanuit je alarm van %1 — vul aan en sla op.</translation>
    </message>
    <message>
      <source>&amp;When did it happen?</source>
      <translation>&amp;Wanneer gebeurde het?</translation>
    </message>
    <message>
      <source>Whe&amp;re?</source>
      <translation>W&amp;aar?</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>Waar</translation>
    </message>
    <message>
      <source>For example: counter 3, main entrance</source>
      <translation>Bijvoorbeeld: balie 3, hoofdingang</translation>
    </message>
    <message>
      <source>&amp;How did it reach you?</source>
      <translation>&amp;Hoe kwam het bij je binnen?</translation>
    </message>
    <message>
      <source>How did it reach you</source>
      <translation>Hoe kwam het bij je binnen</translation>
    </message>
    <message>
      <source>&amp;Type of incident (keys 1 to 9, several possible)</source>
      <translation>&amp;Soort voorval (toetsen 1 t/m 9, meer mogelijk)</translation>
    </message>
    <message>
      <source>Type of incident</source>
      <translation>Soort voorval</translation>
    </message>
    <message>
      <source>&amp;Severity</source>
      <translation>&amp;Ernst</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>&amp;Describe what happened</source>
      <translation>&amp;Omschrijf wat er gebeurde</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>Omschrijving</translation>
    </message>
    <message>
      <source>What did the person say or do? What did you do?</source>
      <translation>Wat zei of deed de persoon? Wat deed jij?</translation>
    </message>
    <message>
      <source>&amp;People involved</source>
      <translation>&amp;Personen en getuigen</translation>
    </message>
    <message>
      <source>&amp;Consequences</source>
      <translation>&amp;Gevolgen</translation>
    </message>
    <message>
      <source>&amp;Aftercare and privacy</source>
      <translation>&amp;Nazorg en privacy</translation>
    </message>
    <message>
      <source>&amp;Evidence (photos, screenshots, files)</source>
      <translation>&amp;Bewijs (foto's, schermafbeeldingen, bestanden)</translation>
    </message>
    <message>
      <source>Reporter</source>
      <translation>Melder</translation>
    </message>
    <message>
      <source>I am reporting on behalf of a colleague</source>
      <translation>Ik meld namens een collega</translation>
    </message>
    <message>
      <source>Name of the colleague</source>
      <translation>Naam van de collega</translation>
    </message>
    <message>
      <source>Perpetrator</source>
      <translation>Dader</translation>
    </message>
    <message>
      <source>Unknown</source>
      <translation>Onbekend</translation>
    </message>
    <message>
      <source>Your name</source>
      <translation>Je naam</translation>
    </message>
    <message>
      <source>Perpetrator unknown</source>
      <translation>Dader onbekend</translation>
    </message>
    <message>
      <source>Known</source>
      <translation>Bekend</translation>
    </message>
    <message>
      <source>Perpetrator known</source>
      <translation>Dader bekend</translation>
    </message>
    <message>
      <source>Short description of the perpetrator</source>
      <translation>Korte beschrijving van de dader</translation>
    </message>
    <message>
      <source>Client or case number (only visible to team leads)</source>
      <translation>Cliënt- of zaaknummer (alleen zichtbaar voor teamleiders)</translation>
    </message>
    <message>
      <source>Witnesses: colleagues and visitors, one per line</source>
      <translation>Getuigen: collega's en bezoekers, één per regel</translation>
    </message>
    <message>
      <source>Someone was injured</source>
      <translation>Iemand raakte gewond</translation>
    </message>
    <message>
      <source>There is damage</source>
      <translation>Er is schade</translation>
    </message>
    <message>
      <source>For example 150 or 149,95</source>
      <translation>Bijvoorbeeld 150 of 149,95</translation>
    </message>
    <message>
      <source>Estimated damage in euros</source>
      <translation>Geschatte schade in euro</translation>
    </message>
    <message>
      <source>Someone could not work (absence)</source>
      <translation>Iemand kon niet werken (verzuim)</translation>
    </message>
    <message>
      <source>The police were called</source>
      <translation>De politie is gebeld</translation>
    </message>
    <message>
      <source>Someone was arrested</source>
      <translation>Iemand is aangehouden</translation>
    </message>
    <message>
      <source>A police report (aangifte) will be made</source>
      <translation>Er wordt aangifte gedaan</translation>
    </message>
    <message>
      <source>I would like an aftercare talk</source>
      <translation>Ik wil graag een nazorggesprek</translation>
    </message>
    <message>
      <source>Only visible to my team lead</source>
      <translation>Alleen zichtbaar voor mijn teamleider</translation>
    </message>
    <message>
      <source>Hide</source>
      <translation>Verbergen</translation>
    </message>
    <message>
      <source>Hide this line</source>
      <translation>Deze regel verbergen</translation>
    </message>
    <message>
      <source>Not saved</source>
      <translation>Niet opgeslagen</translation>
    </message>
    <message>
      <source>Your report could not be saved on this workstation. Everything you typed is still here. Try again, or ask the service desk for help.</source>
      <translation>Je melding kon niet worden opgeslagen op deze werkplek. Alles wat je hebt getypt staat er nog. Probeer het opnieuw of vraag de servicedesk om hulp.</translation>
    </message>
    <message>
      <source>Discard report?</source>
      <translation>Melding weggooien?</translation>
    </message>
    <message>
      <source>You have not saved this report. Discard what you entered?</source>
      <translation>Je hebt deze melding niet opgeslagen. Wat je hebt ingevuld weggooien?</translation>
    </message>
    <message>
      <source>Keep editing</source>
      <translation>Verder invullen</translation>
    </message>
    <message>
      <source>Discard report</source>
      <translation>Melding weggooien</translation>
    </message>
  </context>
  <context>
    <name>Labels</name>
    <message>
      <source>Verbal aggression</source>
      <translation>Verbale agressie</translation>
    </message>
    <message>
      <source>Threat (to you or your family)</source>
      <translation>Bedreiging (van jou of je gezin)</translation>
    </message>
    <message>
      <source>Intimidation (also sexual)</source>
      <translation>Intimidatie (ook seksueel)</translation>
    </message>
    <message>
      <source>Discrimination</source>
      <translation>Discriminatie</translation>
    </message>
    <message>
      <source>Physical violence</source>
      <translation>Fysiek geweld</translation>
    </message>
    <message>
      <source>Damage or vandalism</source>
      <translation>Vernieling of vandalisme</translation>
    </message>
    <message>
      <source>Online abuse (social media, mail, phone)</source>
      <translation>Online agressie (sociale media, mail, telefoon)</translation>
    </message>
    <message>
      <source>Doxing (personal data spread)</source>
      <translation>Doxing (persoonsgegevens verspreid)</translation>
    </message>
    <message>
      <source>Other</source>
      <translation>Anders</translation>
    </message>
    <message>
      <source>At the counter</source>
      <translation>Aan de balie</translation>
    </message>
    <message>
      <source>By phone</source>
      <translation>Telefonisch</translation>
    </message>
    <message>
      <source>By e-mail or letter</source>
      <translation>Per e-mail of brief</translation>
    </message>
    <message>
      <source>Online or social media</source>
      <translation>Online of sociale media</translation>
    </message>
    <message>
      <source>During a home visit</source>
      <translation>Tijdens een huisbezoek</translation>
    </message>
    <message>
      <source>Outdoors</source>
      <translation>Buiten</translation>
    </message>
    <message>
      <source>Minor</source>
      <translation>Licht</translation>
    </message>
    <message>
      <source>Serious</source>
      <translation>Ernstig</translation>
    </message>
    <message>
      <source>Very serious</source>
      <translation>Zeer ernstig</translation>
    </message>
    <message>
      <source>Critical</source>
      <translation>Levensbedreigend</translation>
    </message>
    <message>
      <source>Saved on this workstation</source>
      <translation>Opgeslagen op deze werkplek</translation>
    </message>
    <message>
      <source>Sent</source>
      <translation>Verzonden</translation>
    </message>
    <message>
      <source>Received by team lead</source>
      <translation>Ontvangen door teamleider</translation>
    </message>
    <message>
      <source>In progress</source>
      <translation>In behandeling</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>Afgesloten</translation>
    </message>
    <message>
      <source>On this workstation</source>
      <translation>Op deze werkplek</translation>
    </message>
    <message>
      <source>Received</source>
      <translation>Ontvangen</translation>
    </message>
    <message>
      <source>Your report is safe on this workstation and will be sent as soon as the server can be reached.</source>
      <translation>Opgeslagen op deze werkplek; je melding wordt verzonden zodra de server bereikbaar is.</translation>
    </message>
    <message>
      <source>Your report has reached the server; your team lead can see it.</source>
      <translation>Je melding is verzonden; je teamleider kan hem zien.</translation>
    </message>
    <message>
      <source>Your team lead has read your report.</source>
      <translation>Je teamleider heeft je melding gelezen.</translation>
    </message>
    <message>
      <source>Your team lead is working on the follow-up.</source>
      <translation>Je teamleider werkt aan de opvolging.</translation>
    </message>
    <message>
      <source>The follow-up is finished.</source>
      <translation>De opvolging is afgerond.</translation>
    </message>
    <message>
      <source>Date and time</source>
      <translation>Datum en tijd</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Plaats</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Kanaal</translation>
    </message>
    <message>
      <source>Type of incident</source>
      <translation>Soort incident</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>Beschrijving</translation>
    </message>
    <message>
      <source>Reported on behalf of</source>
      <translation>Gemeld namens</translation>
    </message>
    <message>
      <source>Perpetrator known</source>
      <translation>Dader bekend</translation>
    </message>
    <message>
      <source>Description of the perpetrator</source>
      <translation>Beschrijving van de dader</translation>
    </message>
    <message>
      <source>Client or case number</source>
      <translation>Klant- of zaaknummer</translation>
    </message>
    <message>
      <source>Witnesses</source>
      <translation>Getuigen</translation>
    </message>
    <message>
      <source>Someone was injured</source>
      <translation>Iemand raakte gewond</translation>
    </message>
    <message>
      <source>There is damage</source>
      <translation>Er is schade</translation>
    </message>
    <message>
      <source>Estimated damage</source>
      <translation>Geschatte schade</translation>
    </message>
    <message>
      <source>Someone could not work</source>
      <translation>Iemand kon niet werken</translation>
    </message>
    <message>
      <source>Police called</source>
      <translation>Politie gebeld</translation>
    </message>
    <message>
      <source>Arrest</source>
      <translation>Aanhouding</translation>
    </message>
    <message>
      <source>Police report (aangifte) intended</source>
      <translation>Aangifte voorgenomen</translation>
    </message>
    <message>
      <source>Aftercare talk wanted</source>
      <translation>Nazorggesprek gewenst</translation>
    </message>
    <message>
      <source>Only visible to the team lead</source>
      <translation>Alleen zichtbaar voor de teamleider</translation>
    </message>
    <message>
      <source>injury</source>
      <translation>letsel</translation>
    </message>
    <message>
      <source>damage</source>
      <translation>schade</translation>
    </message>
    <message>
      <source>absence</source>
      <translation>verzuim</translation>
    </message>
    <message>
      <source>police called</source>
      <translation>politie gebeld</translation>
    </message>
    <message>
      <source>arrest</source>
      <translation>aanhouding</translation>
    </message>
    <message>
      <source>police report intended</source>
      <translation>aangifte voorgenomen</translation>
    </message>
    <message>
      <source>estimated damage %1</source>
      <translation>geschatte schade %1</translation>
    </message>
    <message>
      <source>%1 (provisional)</source>
      <translation>%1 (voorlopig)</translation>
    </message>
    <message>
      <source>earlier: %1</source>
      <translation>eerder: %1</translation>
    </message>
    <message>
      <source>Revoked</source>
      <translation>Ingetrokken</translation>
    </message>
    <message>
      <source>Waiting for linking</source>
      <translation>Wacht op koppelen</translation>
    </message>
    <message>
      <source>Online</source>
      <translation>Online</translation>
    </message>
    <message>
      <source>Offline</source>
      <translation>Offline</translation>
    </message>
    <message>
      <source>colleagues</source>
      <translation>collega's</translation>
    </message>
    <message>
      <source>security</source>
      <translation>beveiliging</translation>
    </message>
    <message>
      <source>team leads</source>
      <translation>teamleiders</translation>
    </message>
    <message>
      <source>coördinators</source>
      <translation>coördinatoren</translation>
    </message>
    <message>
      <source>Information added</source>
      <translation>Informatie toegevoegd</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Message from your team lead</source>
      <translation>Bericht van je teamleider</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Opvolging</translation>
    </message>
    <message>
      <source>Response to the perpetrator</source>
      <translation>Reactie naar de dader</translation>
    </message>
    <message>
      <source>Police report (aangifte)</source>
      <translation>Aangifte bij de politie</translation>
    </message>
    <message>
      <source>Aftercare talk</source>
      <translation>Nazorggesprek</translation>
    </message>
    <message>
      <source>Aftercare follow-up after two weeks</source>
      <translation>Nazorg na twee weken</translation>
    </message>
    <message>
      <source>Aftercare follow-up after six weeks</source>
      <translation>Nazorg na zes weken</translation>
    </message>
    <message>
      <source>Recovering the damage</source>
      <translation>Schade verhalen</translation>
    </message>
    <message>
      <source>Evaluation</source>
      <translation>Evaluatie</translation>
    </message>
    <message>
      <source>This is too long: at most %1 characters. Nothing you typed is lost.</source>
      <translation>Dit is te lang: hoogstens %1 tekens. Er gaat niets verloren van wat je typte.</translation>
    </message>
    <message>
      <source>Please write a little more: at least %1 characters.</source>
      <translation>Schrijf iets meer: minstens %1 tekens.</translation>
    </message>
    <message>
      <source>At most %1 witnesses, one per line.</source>
      <translation>Hoogstens %1 getuigen, één per regel.</translation>
    </message>
    <message>
      <source>This time lies in the future. Choose a time up to now.</source>
      <translation>Dit tijdstip ligt in de toekomst. Kies een tijdstip tot nu.</translation>
    </message>
    <message>
      <source>This date is more than five years ago. Please check the year.</source>
      <translation>Deze datum ligt meer dan vijf jaar terug. Klopt het jaar?</translation>
    </message>
    <message>
      <source>Choose a valid date and time.</source>
      <translation>Kies een geldige datum en tijd.</translation>
    </message>
    <message>
      <source>Fill in where it happened, for example 'Counter 3'.</source>
      <translation>Vul in waar het gebeurde, bijvoorbeeld 'Balie 3'.</translation>
    </message>
    <message>
      <source>Choose at least one kind of incident (keys 1 to 9).</source>
      <translation>Kies minstens één soort voorval (toetsen 1 t/m 9).</translation>
    </message>
    <message>
      <source>Describe briefly what happened.</source>
      <translation>Omschrijf kort wat er gebeurde.</translation>
    </message>
    <message>
      <source>Fill in your name.</source>
      <translation>Vul je naam in.</translation>
    </message>
    <message>
      <source>Fill in the name of the colleague you report for.</source>
      <translation>Vul de naam in van de collega namens wie je meldt.</translation>
    </message>
    <message>
      <source>Describe the perpetrator briefly or fill in a client or case number.</source>
      <translation>Beschrijf de dader kort of vul een cliënt- of zaaknummer in.</translation>
    </message>
    <message>
      <source>The amount cannot be negative.</source>
      <translation>Het bedrag kan niet negatief zijn.</translation>
    </message>
    <message>
      <source>This amount is higher than EUR 1,000,000. Please check it.</source>
      <translation>Dit bedrag is hoger dan € 1.000.000. Klopt het?</translation>
    </message>
    <message>
      <source>Please check this field.</source>
      <translation>Controleer dit veld.</translation>
    </message>
    <message>
      <source>Fill in an amount in euros, for example 150 or 149,95.</source>
      <translation>Vul een bedrag in euro in, bijvoorbeeld 150 of 149,95.</translation>
    </message>
    <message>
      <source>Warning letter</source>
      <translation>Waarschuwingsbrief</translation>
    </message>
    <message>
      <source>Conversation about conduct</source>
      <translation>Gesprek over gedrag (ordegesprek)</translation>
    </message>
    <message>
      <source>Service by appointment only</source>
      <translation>Alleen op afspraak</translation>
    </message>
    <message>
      <source>Access ban</source>
      <translation>Toegangsverbod</translation>
    </message>
    <message>
      <source>No measure (say why in the note)</source>
      <translation>Geen maatregel (waarom in de notitie)</translation>
    </message>
    <message>
      <source>Joining the criminal case (voeging)</source>
      <translation>Voeging in het strafproces</translation>
    </message>
    <message>
      <source>Civil claim</source>
      <translation>Civiele vordering</translation>
    </message>
    <message>
      <source>Insurer</source>
      <translation>Verzekeraar</translation>
    </message>
    <message>
      <source>Not started</source>
      <translation>Nog niet begonnen</translation>
    </message>
    <message>
      <source>Claimed</source>
      <translation>Gevorderd</translation>
    </message>
    <message>
      <source>Partly recovered</source>
      <translation>Deels verhaald</translation>
    </message>
    <message>
      <source>Recovered</source>
      <translation>Verhaald</translation>
    </message>
    <message>
      <source>Not recoverable</source>
      <translation>Niet te verhalen</translation>
    </message>
  </context>
  <context>
    <name>LanAlarmPath</name>
    <message numerus="yes">
      <source>Active: %n colleague workstation(s) reachable</source>
      <translation>
        <numerusform>Actief: %n werkplek van een collega bereikbaar</numerusform>
        <numerusform>Actief: %n werkplekken van collega's bereikbaar</numerusform>
      </translation>
    </message>
    <message>
      <source>Not active: %1</source>
      <translation>Niet actief: %1</translation>
    </message>
    <message>
      <source>Off: switched off for this site by the administrator</source>
      <translation>Uit: voor deze vestiging uitgezet door de beheerder</translation>
    </message>
    <message>
      <source>Not set up: no site key on this workstation</source>
      <translation>Niet ingericht: geen vestigingssleutel op deze werkplek</translation>
    </message>
    <message>
      <source>Not set up: choose the network</source>
      <translation>Niet ingericht: kies het netwerk</translation>
    </message>
    <message>
      <source>Not active</source>
      <translation>Niet actief</translation>
    </message>
  </context>
  <context>
    <name>LanBeacon</name>
    <message>
      <source>Network interface %1 not found</source>
      <translation>Netwerkinterface %1 niet gevonden</translation>
    </message>
    <message>
      <source>Network interface %1 is down</source>
      <translation>Netwerkinterface %1 staat uit</translation>
    </message>
    <message>
      <source>Network interface %1 has no IPv4 address</source>
      <translation>Netwerkinterface %1 heeft geen IPv4-adres</translation>
    </message>
    <message>
      <source>Network interface %1 cannot broadcast</source>
      <translation>Netwerkinterface %1 kan geen broadcast versturen</translation>
    </message>
    <message>
      <source>Cannot open UDP port %1: %2</source>
      <translation>Kan UDP-poort %1 niet openen: %2</translation>
    </message>
    <message>
      <source>Cannot use multicast on %1: %2</source>
      <translation>Kan multicast niet gebruiken op %1: %2</translation>
    </message>
  </context>
  <context>
    <name>LeadDialog</name>
    <message>
      <source>Team lead</source>
      <translation>Teamleider</translation>
    </message>
    <message>
      <source>&amp;Team lead</source>
      <translation>&amp;Teamleider</translation>
    </message>
    <message>
      <source>There is no team lead to choose.</source>
      <translation>Er is geen teamleider om te kiezen.</translation>
    </message>
  </context>
  <context>
    <name>LetterDialog</name>
    <message>
      <source>Make letter</source>
      <translation>Brief maken</translation>
    </message>
    <message>
      <source>Kind of letter</source>
      <translation>Soort brief</translation>
    </message>
    <message>
      <source>Warning letter</source>
      <translation>Waarschuwingsbrief</translation>
    </message>
    <message>
      <source>Invitation to a conversation about conduct</source>
      <translation>Uitnodiging voor een gesprek over gedrag</translation>
    </message>
    <message>
      <source>Access ban</source>
      <translation>Toegangsverbod</translation>
    </message>
    <message>
      <source>Letter</source>
      <translation>Brief</translation>
    </message>
    <message>
      <source>To</source>
      <translation>Aan</translation>
    </message>
    <message>
      <source>Name of the addressee</source>
      <translation>Naam van de geadresseerde</translation>
    </message>
    <message>
      <source>Address of the addressee</source>
      <translation>Adres van de geadresseerde</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>Adres</translation>
    </message>
    <message>
      <source>The behaviour the letter answers</source>
      <translation>Het gedrag waar de brief op reageert</translation>
    </message>
    <message>
      <source>Behaviour</source>
      <translation>Gedrag</translation>
    </message>
    <message>
      <source>House rule</source>
      <translation>Huisregel</translation>
    </message>
    <message>
      <source>Date and time of the talk</source>
      <translation>Datum en tijd van het gesprek</translation>
    </message>
    <message>
      <source>Place of the talk</source>
      <translation>Plaats van het gesprek</translation>
    </message>
    <message>
      <source>Ban starts</source>
      <translation>Verbod begint</translation>
    </message>
    <message>
      <source>Ban ends</source>
      <translation>Verbod eindigt</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>Periode</translation>
    </message>
    <message>
      <source>Locations</source>
      <translation>Locaties</translation>
    </message>
    <message>
      <source>Contact allowed by</source>
      <translation>Contact alleen via</translation>
    </message>
    <message>
      <source>e.g. only by letter or by phone</source>
      <translation>bijv. alleen per brief of telefonisch</translation>
    </message>
    <message>
      <source>Preview of the letter</source>
      <translation>Voorbeeld van de brief</translation>
    </message>
    <message>
      <source>Fill in to whom the letter goes.</source>
      <translation>Vul in aan wie de brief gericht is.</translation>
    </message>
    <message>
      <source>The ban cannot end before it starts.</source>
      <translation>Het verbod kan niet eindigen voordat het begint.</translation>
    </message>
    <message>
      <source>Fill in the field “%1”.</source>
      <translation>Vul het veld “%1” in.</translation>
    </message>
    <message>
      <source>The letter template cannot be used: %1</source>
      <translation>Het briefsjabloon kan niet worden gebruikt: %1</translation>
    </message>
    <message>
      <source>The letter could not be made: %1</source>
      <translation>De brief kon niet worden gemaakt: %1</translation>
    </message>
  </context>
  <context>
    <name>LetterheadRunner</name>
    <message>
      <source>Save police-report sheet</source>
      <translation>Aangifteblad opslaan</translation>
    </message>
    <message>
      <source>Save letter</source>
      <translation>Brief opslaan</translation>
    </message>
    <message>
      <source>Making the document…</source>
      <translation>Het document wordt gemaakt…</translation>
    </message>
    <message>
      <source>Making the document</source>
      <translation>Document wordt gemaakt</translation>
    </message>
    <message>
      <source>The letter is saved, but it could not be recorded on the timeline: %1</source>
      <translation>De brief is opgeslagen, maar kon niet op de tijdlijn worden vastgelegd: %1</translation>
    </message>
    <message>
      <source>The document could not be saved: %1</source>
      <translation>Het document kon niet worden opgeslagen: %1</translation>
    </message>
    <message>
      <source>Document not made</source>
      <translation>Document niet gemaakt</translation>
    </message>
  </context>
  <context>
    <name>LetterheadTab</name>
    <message>
      <source>Choose the logo</source>
      <translation>Kies het logo</translation>
    </message>
    <message>
      <source>Images (*.png *.jpg *.jpeg)</source>
      <translation>Afbeeldingen (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
      <source>What letters and police-report sheets show at the top: the organisation's name and postal address (never an employee's), the contact person and the logo.</source>
      <translation>Wat bovenaan brieven en aangifteformulieren staat: de naam en het postadres van de organisatie (nooit dat van een medewerker), de contactpersoon en het logo.</translation>
    </message>
    <message>
      <source>Organisation name</source>
      <translation>Naam van de organisatie</translation>
    </message>
    <message>
      <source>&amp;Name</source>
      <translation>&amp;Naam</translation>
    </message>
    <message>
      <source>Postal address</source>
      <translation>Postadres</translation>
    </message>
    <message>
      <source>Contact person</source>
      <translation>Contactpersoon</translation>
    </message>
    <message>
      <source>Function of the contact person</source>
      <translation>Functie van de contactpersoon</translation>
    </message>
    <message>
      <source>Phone of the contact person</source>
      <translation>Telefoonnummer van de contactpersoon</translation>
    </message>
    <message>
      <source>E-mail of the contact person</source>
      <translation>E-mailadres van de contactpersoon</translation>
    </message>
    <message>
      <source>&amp;Contact person</source>
      <translation>&amp;Contactpersoon</translation>
    </message>
    <message>
      <source>&amp;Function</source>
      <translation>&amp;Functie</translation>
    </message>
    <message>
      <source>&amp;Phone</source>
      <translation>&amp;Telefoon</translation>
    </message>
    <message>
      <source>&amp;E-mail</source>
      <translation>&amp;E-mail</translation>
    </message>
    <message>
      <source>Logo</source>
      <translation>Logo</translation>
    </message>
    <message>
      <source>Choose &amp;logo…</source>
      <translation>&amp;Logo kiezen…</translation>
    </message>
    <message>
      <source>Choose a logo</source>
      <translation>Een logo kiezen</translation>
    </message>
    <message>
      <source>&amp;Remove logo</source>
      <translation>Logo &amp;verwijderen</translation>
    </message>
    <message>
      <source>Remove the logo</source>
      <translation>Het logo verwijderen</translation>
    </message>
    <message>
      <source>PNG or JPEG, at most %1 KB.</source>
      <translation>PNG of JPEG, hoogstens %1 kB.</translation>
    </message>
    <message>
      <source>&amp;Save letterhead</source>
      <translation>Briefhoofd &amp;opslaan</translation>
    </message>
    <message>
      <source>Save the letterhead</source>
      <translation>Het briefhoofd opslaan</translation>
    </message>
    <message>
      <source>No logo</source>
      <translation>Geen logo</translation>
    </message>
    <message>
      <source>This file cannot be the logo (%1).</source>
      <translation>Dit bestand kan niet het logo zijn (%1).</translation>
    </message>
    <message>
      <source>This image cannot be read.</source>
      <translation>Deze afbeelding is niet te lezen.</translation>
    </message>
    <message>
      <source>New logo chosen: save to use it.</source>
      <translation>Nieuw logo gekozen: sla op om het te gebruiken.</translation>
    </message>
    <message>
      <source>Logo removed: save to confirm.</source>
      <translation>Logo verwijderd: sla op om dit te bevestigen.</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>Opslaan…</translation>
    </message>
    <message>
      <source>Letterhead saved.</source>
      <translation>Briefhoofd opgeslagen.</translation>
    </message>
    <message>
      <source>Not saved.</source>
      <translation>Niet opgeslagen.</translation>
    </message>
    <message>
      <source>Not saved: %1</source>
      <translation>Niet opgeslagen: %1</translation>
    </message>
  </context>
  <context>
    <name>LettersTab</name>
    <message>
      <source>Kind of letter</source>
      <translation>Soort brief</translation>
    </message>
    <message>
      <source>Warning letter</source>
      <translation>Waarschuwingsbrief</translation>
    </message>
    <message>
      <source>Invitation to a conversation about conduct</source>
      <translation>Uitnodiging voor een gesprek over gedrag</translation>
    </message>
    <message>
      <source>Access ban</source>
      <translation>Toegangsverbod</translation>
    </message>
    <message>
      <source>Language of the letter</source>
      <translation>Taal van de brief</translation>
    </message>
    <message>
      <source>Dutch</source>
      <translation>Nederlands</translation>
    </message>
    <message>
      <source>English</source>
      <translation>Engels</translation>
    </message>
    <message>
      <source>&amp;Letter</source>
      <translation>&amp;Brief</translation>
    </message>
    <message>
      <source>La&amp;nguage</source>
      <translation>&amp;Taal</translation>
    </message>
    <message>
      <source>Fields such as %1, %2, %3 or %4 are filled in when a letter is made. The preview fills them with a fictitious example.</source>
      <translation>Velden zoals %1, %2, %3 of %4 worden ingevuld als een brief wordt gemaakt. Het voorbeeld vult ze met een verzonnen voorbeeld.</translation>
    </message>
    <message>
      <source>Text of the letter template</source>
      <translation>Tekst van het briefsjabloon</translation>
    </message>
    <message>
      <source>The letter for the example</source>
      <translation>De brief voor het voorbeeld</translation>
    </message>
    <message>
      <source>The example letter as printed</source>
      <translation>De voorbeeldbrief zoals hij wordt afgedrukt</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>Tekst</translation>
    </message>
    <message>
      <source>Printed page</source>
      <translation>Afgedrukte pagina</translation>
    </message>
    <message>
      <source>&amp;Save letter</source>
      <translation>Brief &amp;opslaan</translation>
    </message>
    <message>
      <source>Save the letter template</source>
      <translation>Het briefsjabloon opslaan</translation>
    </message>
    <message>
      <source>The organisation's version %1.</source>
      <translation>Versie %1 van de organisatie.</translation>
    </message>
    <message>
      <source>The shipped letter: saving makes it the organisation's own.</source>
      <translation>De meegeleverde brief: opslaan maakt hem de eigen brief van de organisatie.</translation>
    </message>
    <message>
      <source>This template cannot be used: %1</source>
      <translation>Dit sjabloon is niet bruikbaar: %1</translation>
    </message>
    <message>
      <source>The printed page cannot be shown: %1</source>
      <translation>De afgedrukte pagina kan niet worden getoond: %1</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>Opslaan…</translation>
    </message>
    <message>
      <source>Saved as version %1.</source>
      <translation>Opgeslagen als versie %1.</translation>
    </message>
    <message>
      <source>Not saved.</source>
      <translation>Niet opgeslagen.</translation>
    </message>
    <message>
      <source>The server refused the template: %1</source>
      <translation>De server weigert het sjabloon: %1</translation>
    </message>
  </context>
  <context>
    <name>LevelRow</name>
    <message>
      <source>Delay in seconds</source>
      <translation>Wachttijd in seconden</translation>
    </message>
    <message>
      <source> s</source>
      <translation> s</translation>
    </message>
    <message>
      <source>Seconds after the alarm without anyone answering</source>
      <translation>Seconden na het alarm zonder dat iemand reageert</translation>
    </message>
    <message>
      <source>Who is alerted</source>
      <translation>Wie gewaarschuwd wordt</translation>
    </message>
    <message>
      <source>Webhook</source>
      <translation>Webhook</translation>
    </message>
    <message>
      <source>Call the webhook at this level</source>
      <translation>Op dit niveau de webhook aanroepen</translation>
    </message>
    <message>
      <source>Move level up</source>
      <translation>Niveau omhoog</translation>
    </message>
    <message>
      <source>Move level down</source>
      <translation>Niveau omlaag</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>Verwijderen</translation>
    </message>
    <message>
      <source>Remove level</source>
      <translation>Niveau verwijderen</translation>
    </message>
    <message>
      <source>Nobody (choose)</source>
      <translation>Niemand (kies)</translation>
    </message>
    <message>
      <source>Level %1</source>
      <translation>Niveau %1</translation>
    </message>
  </context>
  <context>
    <name>LogModel</name>
    <message>
      <source>Reference</source>
      <translation>Kenmerk</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>Datum</translation>
    </message>
    <message>
      <source>What happened</source>
      <translation>Wat er gebeurde</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Handled by</source>
      <translation>Behandelaar</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Opvolging</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>All done</source>
      <translation>Alles gedaan</translation>
    </message>
    <message numerus="yes">
      <source>%n open</source>
      <translation>
        <numerusform>%n open</numerusform>
        <numerusform>%n open</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n late</source>
      <translation>
        <numerusform>%n te laat</numerusform>
        <numerusform>%n te laat</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>LogView</name>
    <message>
      <source>Log</source>
      <translation>Logboek</translation>
    </message>
    <message>
      <source>What the log shows</source>
      <translation>Wat het logboek toont</translation>
    </message>
    <message>
      <source>Log of reports</source>
      <translation>Logboek van meldingen</translation>
    </message>
    <message>
      <source>Search by report number or in descriptions and notes</source>
      <translation>Zoeken op meldingsnummer of in beschrijvingen en aanvullingen</translation>
    </message>
    <message>
      <source>Report number, or words from descriptions and notes (Ctrl+F)</source>
      <translation>Meldingsnummer, of woorden uit beschrijvingen en aanvullingen (Ctrl+F)</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>Periode</translation>
    </message>
    <message>
      <source>Any time</source>
      <translation>Altijd</translation>
    </message>
    <message>
      <source>Last 7 days</source>
      <translation>Afgelopen 7 dagen</translation>
    </message>
    <message>
      <source>Last 30 days</source>
      <translation>Afgelopen 30 dagen</translation>
    </message>
    <message>
      <source>This month</source>
      <translation>Deze maand</translation>
    </message>
    <message>
      <source>This quarter</source>
      <translation>Dit kwartaal</translation>
    </message>
    <message>
      <source>This year</source>
      <translation>Dit jaar</translation>
    </message>
    <message>
      <source>Last year</source>
      <translation>Vorig jaar</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>Category</source>
      <translation>Soort incident</translation>
    </message>
    <message>
      <source>Every category</source>
      <translation>Alle soorten</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Every severity</source>
      <translation>Elke ernst</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Every status</source>
      <translation>Elke status</translation>
    </message>
    <message>
      <source>Follow-up late</source>
      <translation>Opvolging te laat</translation>
    </message>
    <message>
      <source>Only reports with follow-up past its deadline</source>
      <translation>Alleen meldingen met opvolging over de termijn</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Alarm</translation>
    </message>
    <message>
      <source>With or without alarm</source>
      <translation>Met of zonder alarm</translation>
    </message>
    <message>
      <source>With alarm</source>
      <translation>Met alarm</translation>
    </message>
    <message>
      <source>Without alarm</source>
      <translation>Zonder alarm</translation>
    </message>
    <message>
      <source>Assigned to me</source>
      <translation>Aan mij toegewezen</translation>
    </message>
    <message>
      <source>Only reports assigned to me</source>
      <translation>Alleen meldingen die aan mij zijn toegewezen</translation>
    </message>
    <message>
      <source>Saved filters</source>
      <translation>Bewaarde filters</translation>
    </message>
    <message>
      <source>Save filter…</source>
      <translation>Filter bewaren…</translation>
    </message>
    <message>
      <source>Save these filters under a name</source>
      <translation>Deze filters onder een naam bewaren</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Verwijderen</translation>
    </message>
    <message>
      <source>Delete the chosen saved filter</source>
      <translation>Het gekozen bewaarde filter verwijderen</translation>
    </message>
    <message>
      <source>Export (CSV)…</source>
      <translation>Exporteren (CSV)…</translation>
    </message>
    <message>
      <source>Export the reports shown to a spreadsheet file (CSV)</source>
      <translation>De getoonde meldingen exporteren naar een spreadsheetbestand (CSV)</translation>
    </message>
    <message>
      <source>Clear filters</source>
      <translation>Filters wissen</translation>
    </message>
    <message>
      <source>Show every report again</source>
      <translation>Weer alle meldingen tonen</translation>
    </message>
    <message>
      <source>Save filter</source>
      <translation>Filter bewaren</translation>
    </message>
    <message>
      <source>Name of this filter:</source>
      <translation>Naam van dit filter:</translation>
    </message>
    <message>
      <source>Export the log</source>
      <translation>Logboek exporteren</translation>
    </message>
    <message>
      <source>log %1</source>
      <translation>logboek %1</translation>
    </message>
    <message>
      <source>Spreadsheet (CSV) (*.csv)</source>
      <translation>Spreadsheet (CSV) (*.csv)</translation>
    </message>
    <message>
      <source>Every site</source>
      <translation>Alle vestigingen</translation>
    </message>
    <message>
      <source>Every location</source>
      <translation>Alle locaties</translation>
    </message>
    <message numerus="yes">
      <source>%n report(s) from the shared log.</source>
      <translation>
        <numerusform>%n melding van de gedeelde log.</numerusform>
        <numerusform>%n meldingen van de gedeelde log.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n of %1 reports from the shared log.</source>
      <translation>
        <numerusform>%n van %1 meldingen uit de gedeelde log.</numerusform>
        <numerusform>%n van %1 meldingen uit de gedeelde log.</numerusform>
      </translation>
    </message>
    <message>
      <source>No reports in the shared log yet. Reports from every linked workstation of the site appear here.</source>
      <translation>Nog geen meldingen in de gedeelde log. Meldingen van alle gekoppelde werkplekken van de vestiging verschijnen hier.</translation>
    </message>
    <message numerus="yes">
      <source>%n report(s) on this workstation; the shared log is fetched as soon as the server can be reached.</source>
      <translation>
        <numerusform>%n melding op deze werkplek; de gedeelde log wordt opgehaald zodra de server bereikbaar is.</numerusform>
        <numerusform>%n meldingen op deze werkplek; de gedeelde log wordt opgehaald zodra de server bereikbaar is.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n of %1 reports on this workstation; the shared log is fetched as soon as the server can be reached.</source>
      <translation>
        <numerusform>%n van %1 meldingen op deze werkplek; de gedeelde log wordt opgehaald zodra de server bereikbaar is.</numerusform>
        <numerusform>%n van %1 meldingen op deze werkplek; de gedeelde log wordt opgehaald zodra de server bereikbaar is.</numerusform>
      </translation>
    </message>
    <message>
      <source>No reports in the shared log yet. It is fetched as soon as the server can be reached.</source>
      <translation>Nog geen meldingen in de gedeelde log. Die wordt opgehaald zodra de server bereikbaar is.</translation>
    </message>
    <message numerus="yes">
      <source>%n of %1 reports on this workstation.</source>
      <translation>
        <numerusform>%n van %1 meldingen op deze werkplek.</numerusform>
        <numerusform>%n van %1 meldingen op deze werkplek.</numerusform>
      </translation>
    </message>
    <message>
      <source>No reports on this workstation yet. Reports made here appear in this log; once the workstation is linked to a server, the team's shared log does too.</source>
      <translation>Nog geen meldingen op deze werkplek. Meldingen die je hier doet verschijnen in dit logboek; als de werkplek aan een server is gekoppeld, ook de gedeelde log van het team.</translation>
    </message>
    <message numerus="yes">
      <source>%n report(s) on this workstation.</source>
      <translation>
        <numerusform>%n melding op deze werkplek.</numerusform>
        <numerusform>%n meldingen op deze werkplek.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Starting…</source>
      <translation>Bezig met starten…</translation>
    </message>
    <message>
      <source>How do I get the alarm working?</source>
      <translation>Hoe krijg ik het alarm werkend?</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Melden</translation>
    </message>
    <message>
      <source>My reports</source>
      <translation>Mijn meldingen</translation>
    </message>
    <message>
      <source>Help</source>
      <translation>Hulp</translation>
    </message>
    <message>
      <source>Log</source>
      <translation>Logboek</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Opvolging</translation>
    </message>
    <message>
      <source>Overview</source>
      <translation>Overzicht</translation>
    </message>
    <message>
      <source>Supervision</source>
      <translation>Toezicht</translation>
    </message>
    <message>
      <source>Administration</source>
      <translation>Beheer</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>Instellingen</translation>
    </message>
    <message>
      <source>This report is not on this workstation.</source>
      <translation>Deze melding staat niet op deze werkplek.</translation>
    </message>
    <message>
      <source>News on your report %1: %2.</source>
      <translation>Nieuws over je melding %1: %2.</translation>
    </message>
    <message numerus="yes">
      <source>News on %n of your reports.</source>
      <translation>
        <numerusform>Nieuws over %n van je meldingen.</numerusform>
        <numerusform>Nieuws over %n van je meldingen.</numerusform>
      </translation>
    </message>
    <message>
      <source>See My reports.</source>
      <translation>Zie Mijn meldingen.</translation>
    </message>
    <message>
      <source>Drafts with perpetrator details of the previous user were removed from this workstation: %1.</source>
      <translation>Concepten met dadergegevens van de vorige gebruiker zijn van deze werkplek verwijderd: %1.</translation>
    </message>
    <message>
      <source>The alarm of this workstation reaches nobody now: there is no connection to the server or to colleagues' workstations.</source>
      <translation>Het alarm van deze werkplek bereikt nu niemand: er is geen verbinding met de server of met de werkplekken van collega's.</translation>
    </message>
    <message>
      <source>Until it works, call for help another way; in immediate danger call 112.</source>
      <translation>Roep tot die tijd op een andere manier hulp in; bij direct gevaar: bel 112.</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Alarm</translation>
    </message>
    <message>
      <source>New report</source>
      <translation>Nieuwe melding</translation>
    </message>
    <message>
      <source>Show window</source>
      <translation>Venster tonen</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>Afsluiten</translation>
    </message>
    <message>
      <source>VeiligBalie keeps running in the tray so that alarms still reach you.</source>
      <translation>VeiligBalie blijft actief in het systeemvak, zodat alarmen je blijven bereiken.</translation>
    </message>
  </context>
  <context>
    <name>MeasureLookup</name>
    <message>
      <source>Look up a measure</source>
      <translation>Maatregel opzoeken</translation>
    </message>
    <message>
      <source>Look up a &amp;measure:</source>
      <translation>&amp;Maatregel opzoeken:</translation>
    </message>
    <message>
      <source>Client number</source>
      <translation>Klantnummer</translation>
    </message>
    <message>
      <source>Look up</source>
      <translation>Opzoeken</translation>
    </message>
    <message>
      <source>Look up the measure</source>
      <translation>De maatregel opzoeken</translation>
    </message>
    <message>
      <source>No measure applies to this number.</source>
      <translation>Voor dit nummer geldt geen maatregel.</translation>
    </message>
  </context>
  <context>
    <name>MeasureNotice</name>
    <message>
      <source>Attention: %1</source>
      <translation>Let op: %1</translation>
    </message>
  </context>
  <context>
    <name>MyReportsView</name>
    <message>
      <source>My reports</source>
      <translation>Mijn meldingen</translation>
    </message>
    <message>
      <source>You have not made any reports yet. When something happens, report it under Report (Ctrl+N): it takes less than a minute, and here you will see what becomes of it.</source>
      <translation>Je hebt nog geen meldingen gedaan. Gebeurt er iets, meld het dan onder Melden (Ctrl+N): dat kost minder dan een minuut, en hier zie je wat ermee gebeurt.</translation>
    </message>
    <message>
      <source>News on your reports</source>
      <translation>Nieuws over je meldingen</translation>
    </message>
    <message>
      <source>Earlier reference number</source>
      <translation>Eerder meldingsnummer</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Conclusion</source>
      <translation>Conclusie</translation>
    </message>
    <message>
      <source>Your report</source>
      <translation>Je melding</translation>
    </message>
    <message>
      <source>What happened since</source>
      <translation>Wat er sindsdien gebeurde</translation>
    </message>
    <message>
      <source>Add &amp;information to this report</source>
      <translation>Informatie &amp;toevoegen aan deze melding</translation>
    </message>
    <message>
      <source>Add information to this report</source>
      <translation>Informatie toevoegen aan deze melding</translation>
    </message>
    <message>
      <source>Something you remembered later, or what happened afterwards.</source>
      <translation>Iets wat je je later herinnerde, of wat er daarna gebeurde.</translation>
    </message>
    <message>
      <source>Add information</source>
      <translation>Informatie toevoegen</translation>
    </message>
    <message>
      <source>Prepare police report</source>
      <translation>Aangifte voorbereiden</translation>
    </message>
    <message>
      <source>A sheet for the police with the facts, the evidence and your organisation's address instead of your own.</source>
      <translation>Een blad voor de politie met de feiten, het bewijs en het adres van je organisatie in plaats van je eigen adres.</translation>
    </message>
    <message numerus="yes">
      <source>News on %n of your reports: shown in bold below.</source>
      <translation>
        <numerusform>Nieuws over %n melding: hieronder vetgedrukt.</numerusform>
        <numerusform>Nieuws over %n meldingen: hieronder vetgedrukt.</numerusform>
      </translation>
    </message>
    <message>
      <source>Type the information you want to add.</source>
      <translation>Typ de informatie die je wilt toevoegen.</translation>
    </message>
    <message>
      <source>This is too long: at most %1 characters.</source>
      <translation>Dit is te lang: hoogstens %1 tekens.</translation>
    </message>
    <message>
      <source>Added. Your original report stays as it was; your team lead sees the addition.</source>
      <translation>Toegevoegd. Je oorspronkelijke melding blijft zoals hij was; je teamleider ziet de aanvulling.</translation>
    </message>
    <message>
      <source>Saved on this workstation only: no server is set up, so it has not gone to anyone. Once the administrator links this workstation to a server, it is sent to your team lead.</source>
      <translation>Alleen opgeslagen op deze werkplek: er is geen server ingesteld, dus de melding is nog naar niemand gegaan. Zodra de beheerder deze werkplek aan een server koppelt, wordt ze naar je teamleider verzonden.</translation>
    </message>
    <message>
      <source>Conclusion of your team lead: %1</source>
      <translation>Conclusie van je teamleider: %1</translation>
    </message>
    <message>
      <source>Handled by %1.</source>
      <translation>Behandeld door %1.</translation>
    </message>
    <message>
      <source>Nothing yet.</source>
      <translation>Nog niets.</translation>
    </message>
    <message>
      <source>When</source>
      <translation>Wanneer</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>Waar</translation>
    </message>
    <message>
      <source>How</source>
      <translation>Hoe</translation>
    </message>
    <message>
      <source>What happened</source>
      <translation>Wat er gebeurde</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Reporter</source>
      <translation>Melder</translation>
    </message>
    <message>
      <source>On behalf of</source>
      <translation>Namens</translation>
    </message>
    <message>
      <source>Perpetrator</source>
      <translation>Dader</translation>
    </message>
    <message>
      <source>recorded (only visible to team leads)</source>
      <translation>vastgelegd (alleen zichtbaar voor teamleiders)</translation>
    </message>
    <message>
      <source>Witnesses</source>
      <translation>Getuigen</translation>
    </message>
    <message>
      <source>Consequences</source>
      <translation>Gevolgen</translation>
    </message>
    <message>
      <source>aftercare talk wanted</source>
      <translation>nazorggesprek gewenst</translation>
    </message>
    <message>
      <source>only visible to my team lead</source>
      <translation>alleen zichtbaar voor mijn teamleider</translation>
    </message>
    <message>
      <source>Your wishes</source>
      <translation>Je wensen</translation>
    </message>
    <message>
      <source>Evidence</source>
      <translation>Bewijs</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>Omschrijving</translation>
    </message>
  </context>
  <context>
    <name>OrganisationPage</name>
    <message>
      <source>Organisation</source>
      <translation>Organisatie</translation>
    </message>
    <message>
      <source>Letterhead</source>
      <translation>Briefhoofd</translation>
    </message>
    <message>
      <source>House rules and guidance cards</source>
      <translation>Huisregels en hulpkaarten</translation>
    </message>
    <message>
      <source>Letters</source>
      <translation>Brieven</translation>
    </message>
    <message>
      <source>Closing days</source>
      <translation>Sluitingsdagen</translation>
    </message>
  </context>
  <context>
    <name>OverviewView</name>
    <message>
      <source>Overview</source>
      <translation>Overzicht</translation>
    </message>
    <message>
      <source>Month, quarter or year</source>
      <translation>Maand, kwartaal of jaar</translation>
    </message>
    <message>
      <source>Month</source>
      <translation>Maand</translation>
    </message>
    <message>
      <source>Quarter</source>
      <translation>Kwartaal</translation>
    </message>
    <message>
      <source>Year</source>
      <translation>Jaar</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>Periode</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Make PDF…</source>
      <translation>PDF maken…</translation>
    </message>
    <message>
      <source>Make the management overview of this period as a PDF</source>
      <translation>Het managementoverzicht van deze periode als PDF maken</translation>
    </message>
    <message>
      <source>Follow-up on time</source>
      <translation>Opvolging op tijd</translation>
    </message>
    <message>
      <source>Alarms without a report</source>
      <translation>Alarmen zonder melding</translation>
    </message>
    <message>
      <source>Q%1 %2</source>
      <translation>K%1 %2</translation>
    </message>
    <message>
      <source>Every site</source>
      <translation>Alle vestigingen</translation>
    </message>
    <message numerus="yes">
      <source>%n report(s) in %1.</source>
      <translation>
        <numerusform>%n melding in %1.</numerusform>
        <numerusform>%n meldingen in %1.</numerusform>
      </translation>
    </message>
    <message>
      <source>Reports per month</source>
      <translation>Meldingen per maand</translation>
    </message>
    <message>
      <source>Per category</source>
      <translation>Per soort incident</translation>
    </message>
    <message>
      <source>Other locations</source>
      <translation>Overige locaties</translation>
    </message>
    <message>
      <source>Per location</source>
      <translation>Per locatie</translation>
    </message>
    <message>
      <source>Per severity</source>
      <translation>Per ernst</translation>
    </message>
    <message numerus="yes">
      <source>%n alarm(s) resolved without a report</source>
      <translation>
        <numerusform>%n alarm afgehandeld zonder melding</numerusform>
        <numerusform>%n alarmen afgehandeld zonder melding</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n cancelled alarm(s) not followed up</source>
      <translation>
        <numerusform>%n geannuleerd alarm nog niet opgevolgd</numerusform>
        <numerusform>%n geannuleerde alarmen nog niet opgevolgd</numerusform>
      </translation>
    </message>
    <message>
      <source>Save the management overview</source>
      <translation>Managementoverzicht opslaan</translation>
    </message>
    <message>
      <source>management overview %1</source>
      <translation>managementoverzicht %1</translation>
    </message>
    <message>
      <source>PDF document (*.pdf)</source>
      <translation>PDF-document (*.pdf)</translation>
    </message>
    <message>
      <source>within 72 hours</source>
      <translation>binnen 72 uur</translation>
    </message>
    <message>
      <source>within 24 hours</source>
      <translation>binnen 24 uur</translation>
    </message>
    <message>
      <source>within 2 working days</source>
      <translation>binnen 2 werkdagen</translation>
    </message>
    <message>
      <source>%1: nothing to judge yet</source>
      <translation>%1: nog niets te beoordelen</translation>
    </message>
    <message>
      <source>%1: %2% on time (%3 of %4)</source>
      <translation>%1: %2% op tijd (%3 van %4)</translation>
    </message>
    <message numerus="yes">
      <source>%n still open within the deadline</source>
      <translation>
        <numerusform>%n nog open binnen de termijn</numerusform>
        <numerusform>%n nog open binnen de termijn</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PasswordDialog</name>
    <message>
      <source>Change password</source>
      <translation>Wachtwoord wijzigen</translation>
    </message>
    <message>
      <source>Choose your own password</source>
      <translation>Kies je eigen wachtwoord</translation>
    </message>
    <message>
      <source>An administrator gave you a one-time password. Choose your own password now; you are signed in once it is changed.</source>
      <translation>Een beheerder heeft je een eenmalig wachtwoord gegeven. Kies nu je eigen wachtwoord; zodra het gewijzigd is, ben je aangemeld.</translation>
    </message>
    <message>
      <source>Current password</source>
      <translation>Huidig wachtwoord</translation>
    </message>
    <message>
      <source>One-time password</source>
      <translation>Eenmalig wachtwoord</translation>
    </message>
    <message>
      <source>New password</source>
      <translation>Nieuw wachtwoord</translation>
    </message>
    <message>
      <source>New password again</source>
      <translation>Nieuw wachtwoord nogmaals</translation>
    </message>
    <message>
      <source>&amp;Current password</source>
      <translation>&amp;Huidig wachtwoord</translation>
    </message>
    <message>
      <source>&amp;One-time password</source>
      <translation>&amp;Eenmalig wachtwoord</translation>
    </message>
    <message>
      <source>&amp;New password</source>
      <translation>&amp;Nieuw wachtwoord</translation>
    </message>
    <message>
      <source>New password &amp;again</source>
      <translation>Nieuw wachtwoord n&amp;ogmaals</translation>
    </message>
    <message>
      <source>Enter your current password.</source>
      <translation>Vul je huidige wachtwoord in.</translation>
    </message>
    <message>
      <source>The new password needs at least %1 characters.</source>
      <translation>Het nieuwe wachtwoord moet minstens %1 tekens hebben.</translation>
    </message>
    <message>
      <source>The two new passwords differ.</source>
      <translation>De twee nieuwe wachtwoorden zijn niet gelijk.</translation>
    </message>
  </context>
  <context>
    <name>People</name>
    <message>
      <source>Only visible to team leads. Write only what is needed to follow up.</source>
      <translation>Alleen zichtbaar voor teamleiders. Schrijf alleen op wat nodig is voor de opvolging.</translation>
    </message>
  </context>
  <context>
    <name>PeoplePage</name>
    <message>
      <source>Employee</source>
      <translation>Medewerker</translation>
    </message>
    <message>
      <source>Team lead</source>
      <translation>Teamleider</translation>
    </message>
    <message>
      <source>Coordinator aggression and violence</source>
      <translation>Coördinator agressie en geweld</translation>
    </message>
    <message>
      <source>Peer-support member</source>
      <translation>Lid collegiaal opvangteam</translation>
    </message>
    <message>
      <source>Security</source>
      <translation>Beveiliging</translation>
    </message>
    <message>
      <source>Administrator</source>
      <translation>Beheerder</translation>
    </message>
    <message>
      <source>Privacy officer</source>
      <translation>Functionaris gegevensbescherming</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nee</translation>
    </message>
    <message>
      <source>No site</source>
      <translation>Geen vestiging</translation>
    </message>
    <message>
      <source>No team</source>
      <translation>Geen team</translation>
    </message>
    <message>
      <source>An employee, a team lead and security work at one site: choose it.</source>
      <translation>Een medewerker, een teamleider en beveiliging werken op één vestiging: kies die.</translation>
    </message>
    <message>
      <source>People</source>
      <translation>Mensen</translation>
    </message>
    <message>
      <source>One-time password</source>
      <translation>Eenmalig wachtwoord</translation>
    </message>
    <message>
      <source>Add person…</source>
      <translation>Persoon toevoegen…</translation>
    </message>
    <message>
      <source>Change role…</source>
      <translation>Rol wijzigen…</translation>
    </message>
    <message>
      <source>Team…</source>
      <translation>Team…</translation>
    </message>
    <message>
      <source>Reset password…</source>
      <translation>Wachtwoord opnieuw instellen…</translation>
    </message>
    <message>
      <source>Deactivate</source>
      <translation>Deactiveren</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>Deblokkeren</translation>
    </message>
    <message>
      <source>Teams and their team leads</source>
      <translation>Teams en hun teamleiders</translation>
    </message>
    <message>
      <source>A report marked "only my team lead" goes to the team leads of the reporter's team. A team without a team lead, or a person without a team: every team lead of the site.</source>
      <translation>Een melding met "alleen mijn teamleider" gaat naar de teamleiders van het team van de melder. Een team zonder teamleider, of iemand zonder team: elke teamleider van de vestiging.</translation>
    </message>
    <message>
      <source>Teams</source>
      <translation>Teams</translation>
    </message>
    <message>
      <source>New team…</source>
      <translation>Nieuw team…</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>Hernoemen…</translation>
    </message>
    <message>
      <source>Remove team</source>
      <translation>Team verwijderen</translation>
    </message>
    <message>
      <source>Add team lead…</source>
      <translation>Teamleider toevoegen…</translation>
    </message>
    <message>
      <source>Remove team lead…</source>
      <translation>Teamleider weghalen…</translation>
    </message>
    <message>
      <source>Sign in as administrator on a linked workstation to manage people.</source>
      <translation>Meld je aan als beheerder op een gekoppelde werkplek om mensen te beheren.</translation>
    </message>
    <message>
      <source>Activate</source>
      <translation>Activeren</translation>
    </message>
    <message>
      <source>Deactivate %1? They can no longer sign in and are signed out everywhere. Their reports and history stay.</source>
      <translation>%1 deactiveren? Diegene kan niet meer aanmelden en wordt overal afgemeld. Meldingen en geschiedenis blijven bewaard.</translation>
    </message>
    <message>
      <source>Remove team %1? Its members stay, without a team.</source>
      <translation>Team %1 verwijderen? De leden blijven, zonder team.</translation>
    </message>
    <message>
      <source>Add a team lead to %1</source>
      <translation>Teamleider toevoegen aan %1</translation>
    </message>
    <message>
      <source>Remove a team lead from %1</source>
      <translation>Teamleider weghalen bij %1</translation>
    </message>
    <message>
      <source>%1 was added.</source>
      <translation>%1 is toegevoegd.</translation>
    </message>
    <message>
      <source>%1 is now %2 and was signed out everywhere.</source>
      <translation>%1 is nu %2 en is overal afgemeld.</translation>
    </message>
    <message>
      <source>The team of %1 was changed.</source>
      <translation>Het team van %1 is gewijzigd.</translation>
    </message>
    <message>
      <source>%1 was deactivated and signed out everywhere; the history stays.</source>
      <translation>%1 is gedeactiveerd en overal afgemeld; de geschiedenis blijft bewaard.</translation>
    </message>
    <message>
      <source>%1 can sign in again.</source>
      <translation>%1 kan weer aanmelden.</translation>
    </message>
    <message>
      <source>The password of %1 was reset; they must choose their own at the next sign-in.</source>
      <translation>Het wachtwoord van %1 is opnieuw ingesteld; bij de volgende aanmelding moet diegene een eigen wachtwoord kiezen.</translation>
    </message>
    <message>
      <source>One-time password for %1 (shown once; hand it over in person):</source>
      <translation>Eenmalig wachtwoord voor %1 (wordt één keer getoond; geef het persoonlijk door):</translation>
    </message>
    <message>
      <source>Team %1 was created.</source>
      <translation>Team %1 is aangemaakt.</translation>
    </message>
    <message>
      <source>The team is now called %1.</source>
      <translation>Het team heet nu %1.</translation>
    </message>
    <message>
      <source>The team leads of %1 were changed.</source>
      <translation>De teamleiders van %1 zijn gewijzigd.</translation>
    </message>
    <message>
      <source>The team was removed; its members have no team now.</source>
      <translation>Het team is verwijderd; de leden hebben nu geen team.</translation>
    </message>
    <message>
      <source>The account was unlocked.</source>
      <translation>Het account is gedeblokkeerd.</translation>
    </message>
  </context>
  <context>
    <name>PeopleTableModel</name>
    <message>
      <source>Name</source>
      <translation>Naam</translation>
    </message>
    <message>
      <source>Username</source>
      <translation>Gebruikersnaam</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>Rol</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Team</source>
      <translation>Team</translation>
    </message>
    <message>
      <source>Active</source>
      <translation>Actief</translation>
    </message>
    <message>
      <source>Locked</source>
      <translation>Geblokkeerd</translation>
    </message>
    <message>
      <source>Must choose a new password at the next sign-in</source>
      <translation>Moet bij de volgende aanmelding een nieuw wachtwoord kiezen</translation>
    </message>
  </context>
  <context>
    <name>PersonDialog</name>
    <message>
      <source>Add person</source>
      <translation>Persoon toevoegen</translation>
    </message>
    <message>
      <source>Username</source>
      <translation>Gebruikersnaam</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Naam</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>Rol</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Team</source>
      <translation>Team</translation>
    </message>
    <message>
      <source>First password</source>
      <translation>Eerste wachtwoord</translation>
    </message>
    <message>
      <source>Must be changed at the first sign-in</source>
      <translation>Moet bij de eerste aanmelding gewijzigd worden</translation>
    </message>
    <message>
      <source>&amp;Username</source>
      <translation>&amp;Gebruikersnaam</translation>
    </message>
    <message>
      <source>&amp;Name</source>
      <translation>&amp;Naam</translation>
    </message>
    <message>
      <source>&amp;Role</source>
      <translation>&amp;Rol</translation>
    </message>
    <message>
      <source>&amp;Site</source>
      <translation>&amp;Vestiging</translation>
    </message>
    <message>
      <source>&amp;Team</source>
      <translation>&amp;Team</translation>
    </message>
    <message>
      <source>First &amp;password</source>
      <translation>Eerste &amp;wachtwoord</translation>
    </message>
    <message>
      <source>Enter a username.</source>
      <translation>Vul een gebruikersnaam in.</translation>
    </message>
    <message>
      <source>Enter the person's name.</source>
      <translation>Vul de naam van de persoon in.</translation>
    </message>
    <message>
      <source>The password needs at least %1 characters.</source>
      <translation>Het wachtwoord moet minstens %1 tekens hebben.</translation>
    </message>
    <message>
      <source>Correct person</source>
      <translation>Persoon corrigeren</translation>
    </message>
    <message>
      <source>Correct what is recorded of this person. Every change is kept in the server's log with your name.</source>
      <translation>Corrigeer wat er van deze persoon is vastgelegd. Elke wijziging wordt met je naam bewaard in het logboek van de server.</translation>
    </message>
    <message>
      <source>&amp;Name:</source>
      <translation>&amp;Naam:</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>Beschrijving</translation>
    </message>
    <message>
      <source>&amp;Description:</source>
      <translation>&amp;Beschrijving:</translation>
    </message>
    <message>
      <source>Identifiers</source>
      <translation>Kenmerken</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Soort</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>Waarde</translation>
    </message>
    <message>
      <source>&amp;Identifiers:</source>
      <translation>&amp;Kenmerken:</translation>
    </message>
    <message>
      <source>Empty a row to remove that identifier.</source>
      <translation>Maak een regel leeg om dat kenmerk te verwijderen.</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Annuleren</translation>
    </message>
    <message>
      <source>Save correction</source>
      <translation>Correctie opslaan</translation>
    </message>
    <message>
      <source>Each identifier needs a kind and a value.</source>
      <translation>Elk kenmerk heeft een soort en een waarde nodig.</translation>
    </message>
    <message>
      <source>A person needs a name.</source>
      <translation>Een persoon heeft een naam nodig.</translation>
    </message>
  </context>
  <context>
    <name>PoliceReportDialog</name>
    <message>
      <source>Police report number</source>
      <translation>Nummer van de aangifte</translation>
    </message>
    <message>
      <source>for example PL0900-2026123456</source>
      <translation>bijvoorbeeld PL0900-2026123456</translation>
    </message>
    <message>
      <source>Or why no report was made</source>
      <translation>Of waarom er geen aangifte is gedaan</translation>
    </message>
    <message>
      <source>Or why not</source>
      <translation>Of waarom niet</translation>
    </message>
    <message>
      <source>Report with the organisation's address, never the employee's, and mention VPT.</source>
      <translation>Doe aangifte op het adres van de organisatie, nooit dat van de medewerker, en vermeld VPT.</translation>
    </message>
    <message>
      <source>Prepare police report</source>
      <translation>Aangifte voorbereiden</translation>
    </message>
  </context>
  <context>
    <name>Presets</name>
    <message>
      <source>Set by your organisation; ask your IT department to change it.</source>
      <translation>Ingesteld door uw organisatie; vraag uw IT-afdeling om dit te wijzigen.</translation>
    </message>
  </context>
  <context>
    <name>PreventionView</name>
    <message>
      <source>Prevention check</source>
      <translation>Preventie-check</translation>
    </message>
    <message>
      <source>Escape route and a second exit are free</source>
      <translation>Vluchtweg en tweede uitgang zijn vrij</translation>
    </message>
    <message>
      <source>The alarm is within reach at every counter</source>
      <translation>Het alarm is bij elke balie binnen handbereik</translation>
    </message>
    <message>
      <source>Colleagues can see the counter</source>
      <translation>Collega's kunnen de balie zien</translation>
    </message>
    <message>
      <source>The waiting area is comfortable and calm</source>
      <translation>De wachtruimte is comfortabel en rustig</translation>
    </message>
    <message>
      <source>The house rules are visible to visitors</source>
      <translation>De huisregels hangen zichtbaar voor bezoekers</translation>
    </message>
    <message>
      <source>Staff are trained and did a refresher</source>
      <translation>Medewerkers zijn getraind en hebben een opfrisser gedaan</translation>
    </message>
    <message>
      <source>Site or counter, e.g. Stadskantoor balie 3</source>
      <translation>Locatie of balie, bijv. Stadskantoor balie 3</translation>
    </message>
    <message>
      <source>&amp;Site or counter</source>
      <translation>&amp;Locatie of balie</translation>
    </message>
    <message>
      <source>&amp;Date</source>
      <translation>&amp;Datum</translation>
    </message>
    <message>
      <source>Notes: what needs doing, by whom</source>
      <translation>Notities: wat moet er gebeuren, door wie</translation>
    </message>
    <message>
      <source>Save check</source>
      <translation>Check opslaan</translation>
    </message>
    <message>
      <source>Open points (latest check per place)</source>
      <translation>Open punten (laatste check per plek)</translation>
    </message>
    <message>
      <source>nothing open</source>
      <translation>niets open</translation>
    </message>
    <message>
      <source>No check yet.</source>
      <translation>Nog geen check gedaan.</translation>
    </message>
    <message>
      <source>Fill in the site or counter first.</source>
      <translation>Vul eerst de locatie of balie in.</translation>
    </message>
    <message>
      <source>Saved. Open points stay listed below.</source>
      <translation>Opgeslagen. Open punten blijven hieronder staan.</translation>
    </message>
  </context>
  <context>
    <name>PrivacyPage</name>
    <message>
      <source>Privacy</source>
      <translation>Privacy</translation>
    </message>
  </context>
  <context>
    <name>PurgePreviewBox</name>
    <message>
      <source>Next purge</source>
      <translation>Volgende opschoning</translation>
    </message>
    <message>
      <source>What the next purge removes</source>
      <translation>Wat de volgende opschoning verwijdert</translation>
    </message>
    <message>
      <source>What</source>
      <translation>Wat</translation>
    </message>
    <message>
      <source>How many</source>
      <translation>Aantal</translation>
    </message>
    <message>
      <source>Oldest</source>
      <translation>Oudste</translation>
    </message>
    <message>
      <source>&amp;Count again</source>
      <translation>Opnieuw &amp;tellen</translation>
    </message>
    <message>
      <source>Count what the next purge removes</source>
      <translation>Tellen wat de volgende opschoning verwijdert</translation>
    </message>
    <message>
      <source>Reports (made anonymous)</source>
      <translation>Meldingen (anoniem gemaakt)</translation>
    </message>
    <message>
      <source>Reports with perpetrator details</source>
      <translation>Meldingen met gegevens van daders</translation>
    </message>
    <message>
      <source>Reports with files</source>
      <translation>Meldingen met bestanden</translation>
    </message>
    <message>
      <source>Dossier persons</source>
      <translation>Personen in het dossier</translation>
    </message>
    <message>
      <source>Signaleringen</source>
      <translation>Signaleringen</translation>
    </message>
    <message>
      <source>The purge runs next on %1.</source>
      <translation>De volgende opschoning is op %1.</translation>
    </message>
    <message>
      <source>The purge runs daily; counted for now.</source>
      <translation>De opschoning draait dagelijks; geteld voor nu.</translation>
    </message>
    <message>
      <source>No retention period set: nothing is removed.</source>
      <translation>Geen bewaartermijn ingesteld: er wordt niets verwijderd.</translation>
    </message>
  </context>
  <context>
    <name>RefresherReminder</name>
    <message>
      <source>Time for a refresher (Help)</source>
      <translation>Tijd voor een opfrisser (Hulp)</translation>
    </message>
    <message>
      <source>Time for a refresher</source>
      <translation>Tijd voor een opfrisser</translation>
    </message>
  </context>
  <context>
    <name>RefresherView</name>
    <message>
      <source>Refresher</source>
      <translation>Opfrisser</translation>
    </message>
    <message>
      <source>Check answer</source>
      <translation>Antwoord controleren</translation>
    </message>
    <message>
      <source>Next question</source>
      <translation>Volgende vraag</translation>
    </message>
    <message>
      <source>Read the card</source>
      <translation>Lees de kaart</translation>
    </message>
    <message>
      <source>Question %1 of %2</source>
      <translation>Vraag %1 van %2</translation>
    </message>
    <message>
      <source>Refresher done</source>
      <translation>Opfrisser klaar</translation>
    </message>
    <message>
      <source>%1 of %2 right at the first try. The next refresher is due in %3 months.</source>
      <translation>%1 van %2 in één keer goed. Over %3 maanden is de volgende opfrisser.</translation>
    </message>
  </context>
  <context>
    <name>ReportsModel</name>
    <message>
      <source>Reference</source>
      <translation>Nummer</translation>
    </message>
    <message>
      <source>When</source>
      <translation>Wanneer</translation>
    </message>
    <message>
      <source>What happened</source>
      <translation>Wat er gebeurde</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>new</source>
      <translation>nieuw</translation>
    </message>
  </context>
  <context>
    <name>ResetPasswordDialog</name>
    <message>
      <source>Reset password</source>
      <translation>Wachtwoord opnieuw instellen</translation>
    </message>
    <message>
      <source>%1 gets a one-time password and is signed out everywhere. At the next sign-in they must choose their own password before anything else.</source>
      <translation>%1 krijgt een eenmalig wachtwoord en wordt overal afgemeld. Bij de volgende aanmelding moet diegene eerst een eigen wachtwoord kiezen.</translation>
    </message>
    <message>
      <source>Let the server make one up</source>
      <translation>Laat de server er een bedenken</translation>
    </message>
    <message>
      <source>Type one</source>
      <translation>Zelf intypen</translation>
    </message>
    <message>
      <source>One-time password</source>
      <translation>Eenmalig wachtwoord</translation>
    </message>
    <message>
      <source>&amp;One-time password</source>
      <translation>&amp;Eenmalig wachtwoord</translation>
    </message>
    <message>
      <source>The password needs at least %1 characters.</source>
      <translation>Het wachtwoord moet minstens %1 tekens hebben.</translation>
    </message>
  </context>
  <context>
    <name>ResponseDialog</name>
    <message>
      <source>Measure</source>
      <translation>Maatregel</translation>
    </message>
    <message>
      <source>Choose a measure…</source>
      <translation>Kies een maatregel…</translation>
    </message>
    <message>
      <source>Earlier incidents with this person</source>
      <translation>Eerdere incidenten met deze persoon</translation>
    </message>
    <message>
      <source>No earlier incidents with this person are known.</source>
      <translation>Er zijn geen eerdere incidenten met deze persoon bekend.</translation>
    </message>
    <message>
      <source>Make letter…</source>
      <translation>Brief maken…</translation>
    </message>
    <message>
      <source>Make a letter to the perpetrator</source>
      <translation>Een brief aan de dader maken</translation>
    </message>
  </context>
  <context>
    <name>RetentionBox</name>
    <message>
      <source>Retention periods</source>
      <translation>Bewaartermijnen</translation>
    </message>
    <message>
      <source>How long data is kept, in months from the day of the incident. After that, the daily purge removes it: a report becomes an anonymous count, perpetrator details and files are removed.</source>
      <translation>Hoe lang gegevens bewaard blijven, in maanden vanaf de dag van het incident. Daarna verwijdert de dagelijkse opschoning ze: een melding wordt een anonieme telling, gegevens van daders en bestanden worden verwijderd.</translation>
    </message>
    <message>
      <source>&amp;Reports</source>
      <translation>&amp;Meldingen</translation>
    </message>
    <message>
      <source>&amp;Perpetrator details and dossier</source>
      <translation>&amp;Gegevens van daders en dossier</translation>
    </message>
    <message>
      <source>&amp;Files (photos, screenshots)</source>
      <translation>&amp;Bestanden (foto's, schermafdrukken)</translation>
    </message>
    <message>
      <source>kept (no period set)</source>
      <translation>bewaard (geen termijn)</translation>
    </message>
    <message>
      <source> months</source>
      <translation> maanden</translation>
    </message>
    <message>
      <source>&amp;Save periods</source>
      <translation>Termijnen &amp;opslaan</translation>
    </message>
    <message>
      <source>Save the retention periods</source>
      <translation>De bewaartermijnen opslaan</translation>
    </message>
    <message>
      <source>Nothing changed.</source>
      <translation>Er is niets gewijzigd.</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>Opslaan…</translation>
    </message>
    <message>
      <source>Retention periods saved.</source>
      <translation>Bewaartermijnen opgeslagen.</translation>
    </message>
    <message>
      <source>Not saved.</source>
      <translation>Niet opgeslagen.</translation>
    </message>
  </context>
  <context>
    <name>RoleDialog</name>
    <message>
      <source>Change role</source>
      <translation>Rol wijzigen</translation>
    </message>
    <message>
      <source>%1 is signed out everywhere when the role or site changes.</source>
      <translation>%1 wordt overal afgemeld als de rol of vestiging verandert.</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>Rol</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>&amp;Role</source>
      <translation>&amp;Rol</translation>
    </message>
    <message>
      <source>&amp;Site</source>
      <translation>&amp;Vestiging</translation>
    </message>
  </context>
  <context>
    <name>ServerRequest</name>
    <message>
      <source>The server gave no answer.</source>
      <translation>De server gaf geen antwoord.</translation>
    </message>
    <message>
      <source>The server cannot be reached; try again later.</source>
      <translation>De server is niet bereikbaar; probeer het later opnieuw.</translation>
    </message>
    <message>
      <source>The server's certificate is not trusted.</source>
      <translation>Het certificaat van de server wordt niet vertrouwd.</translation>
    </message>
    <message>
      <source>Your session has ended: sign in again.</source>
      <translation>Uw sessie is beëindigd: meld u opnieuw aan.</translation>
    </message>
    <message>
      <source>The server refused this (HTTP status %1).</source>
      <translation>De server weigerde dit (HTTP-status %1).</translation>
    </message>
  </context>
  <context>
    <name>ServerSettings</name>
    <message>
      <source>Link with server</source>
      <translation>Koppelen met server</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Serveradres</translation>
    </message>
    <message>
      <source>Server &amp;address</source>
      <translation>Server&amp;adres</translation>
    </message>
    <message>
      <source>Enrolment code</source>
      <translation>Koppelcode</translation>
    </message>
    <message>
      <source>One-time code from the administrator</source>
      <translation>Eenmalige code van de beheerder</translation>
    </message>
    <message>
      <source>Enrolment &amp;code</source>
      <translation>Koppel&amp;code</translation>
    </message>
    <message>
      <source>Only when the administrator gives you one</source>
      <translation>Alleen als de beheerder je er een geeft</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>Kiezen…</translation>
    </message>
    <message>
      <source>Choose CA certificate file</source>
      <translation>CA-certificaatbestand kiezen</translation>
    </message>
    <message>
      <source>CA &amp;certificate</source>
      <translation>CA-&amp;certificaat</translation>
    </message>
    <message>
      <source>&amp;Link</source>
      <translation>&amp;Koppelen</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>Inloggen</translation>
    </message>
    <message>
      <source>Username</source>
      <translation>Gebruikersnaam</translation>
    </message>
    <message>
      <source>&amp;Username</source>
      <translation>&amp;Gebruikersnaam</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Wachtwoord</translation>
    </message>
    <message>
      <source>&amp;Password</source>
      <translation>&amp;Wachtwoord</translation>
    </message>
    <message>
      <source>Sign &amp;in</source>
      <translation>&amp;Inloggen</translation>
    </message>
    <message>
      <source>Sign &amp;out</source>
      <translation>&amp;Uitloggen</translation>
    </message>
    <message>
      <source>Change password…</source>
      <translation>Wachtwoord wijzigen…</translation>
    </message>
    <message>
      <source>Synchronisation</source>
      <translation>Synchronisatie</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Waiting to be sent</source>
      <translation>Wacht op verzending</translation>
    </message>
    <message>
      <source>Notice</source>
      <translation>Melding</translation>
    </message>
    <message>
      <source>Synchronise &amp;now</source>
      <translation>&amp;Nu synchroniseren</translation>
    </message>
    <message>
      <source>Changes the server refused</source>
      <translation>Wijzigingen die de server weigerde</translation>
    </message>
    <message>
      <source>Refused by the server</source>
      <translation>Geweigerd door de server</translation>
    </message>
    <message>
      <source>Edit conflicts</source>
      <translation>Wijzigingsconflicten</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Conflicten</translation>
    </message>
    <message>
      <source>This enrolment code was already used. Ask the administrator for a new code.</source>
      <translation>Deze koppelcode is al gebruikt. Vraag de beheerder om een nieuwe code.</translation>
    </message>
    <message>
      <source>This enrolment code has expired. Ask the administrator for a new code.</source>
      <translation>Deze koppelcode is verlopen. Vraag de beheerder om een nieuwe code.</translation>
    </message>
    <message>
      <source>The enrolment code is unknown. Check it, or ask the administrator for a new one.</source>
      <translation>De koppelcode is onbekend. Controleer de code, of vraag de beheerder om een nieuwe.</translation>
    </message>
    <message>
      <source>The username or the password is wrong.</source>
      <translation>De gebruikersnaam of het wachtwoord klopt niet.</translation>
    </message>
    <message>
      <source>Too many failed sign-ins. Wait a moment before you try again.</source>
      <translation>Te vaak verkeerd aangemeld. Wacht even voordat u het opnieuw probeert.</translation>
    </message>
    <message>
      <source>This account is locked after repeated failed sign-ins. Ask the administrator to unlock it.</source>
      <translation>Dit account is geblokkeerd na herhaaldelijk mislukte aanmeldingen. Vraag de beheerder het te deblokkeren.</translation>
    </message>
    <message>
      <source>The current password is wrong.</source>
      <translation>Het huidige wachtwoord klopt niet.</translation>
    </message>
    <message>
      <source>The server did not accept the new password. Choose a longer one that is not a common password.</source>
      <translation>De server accepteert het nieuwe wachtwoord niet. Kies een langer wachtwoord dat geen veelgebruikt wachtwoord is.</translation>
    </message>
    <message>
      <source>Your session has ended. Sign in again.</source>
      <translation>Je sessie is verlopen. Log opnieuw in.</translation>
    </message>
    <message>
      <source>Server connection</source>
      <translation>Verbinding met de server</translation>
    </message>
    <message>
      <source>Unlink this workstation</source>
      <translation>Koppeling van deze werkplek opheffen</translation>
    </message>
    <message>
      <source>&amp;Choose a version…</source>
      <translation>&amp;Versie kiezen…</translation>
    </message>
    <message>
      <source>Choose a version</source>
      <translation>Versie kiezen</translation>
    </message>
    <message>
      <source>The server cannot be reached. Check the address and the network connection; if that looks right, ask the administrator whether the server is running.</source>
      <translation>De server is niet bereikbaar. Controleer het adres en de netwerkverbinding; klopt dat, vraag dan de beheerder of de server draait.</translation>
    </message>
    <message>
      <source>This server does not use a secure connection (https), only http. Type the address with http:// in front only if the administrator says so; otherwise ask the administrator to set up https on the server.</source>
      <translation>Deze server gebruikt geen beveiligde verbinding (https), alleen http. Zet alleen http:// voor het adres als de beheerder dat zegt; vraag anders de beheerder om https op de server in te stellen.</translation>
    </message>
    <message>
      <source>No secure connection could be made with the server: its certificate is not trusted here, or no https answers at this address. Check the address (and the port) and ask the administrator.</source>
      <translation>Er kon geen beveiligde verbinding met de server worden gemaakt: het certificaat wordt hier niet vertrouwd, of op dit adres antwoordt geen https. Controleer het adres (en de poort) en vraag het de beheerder.</translation>
    </message>
    <message>
      <source>No VeiligBalie server answers at this address. Check the address.</source>
      <translation>Op dit adres antwoordt geen VeiligBalie-server. Controleer het adres.</translation>
    </message>
    <message>
      <source>Your password was reset by an administrator. Choose your own password to finish signing in.</source>
      <translation>Een beheerder heeft je wachtwoord opnieuw ingesteld. Kies je eigen wachtwoord om het aanmelden af te ronden.</translation>
    </message>
    <message>
      <source>The server gave an answer this workstation cannot use. Ask the administrator.</source>
      <translation>De server gaf een antwoord waar deze werkplek niets mee kan. Vraag het de beheerder.</translation>
    </message>
    <message>
      <source>The server reported a problem. Try again later; if it keeps happening, tell the administrator.</source>
      <translation>De server meldde een probleem. Probeer het later opnieuw; blijft het gebeuren, meld het dan de beheerder.</translation>
    </message>
    <message>
      <source>The server runs a newer version of VeiligBalie than this workstation. Ask the administrator to update VeiligBalie here. Until then nothing is sent or received; what you save stays on this workstation and is sent afterwards.</source>
      <translation>De server draait een nieuwere versie van VeiligBalie dan deze werkplek. Vraag de beheerder om VeiligBalie hier bij te werken. Tot dan wordt er niets verzonden of ontvangen; wat je opslaat blijft op deze werkplek en wordt daarna verzonden.</translation>
    </message>
    <message>
      <source>The server runs an older version of VeiligBalie than this workstation. Ask the administrator to upgrade the server. Until then nothing is sent or received; what you save stays on this workstation and is sent afterwards.</source>
      <translation>De server draait een oudere versie van VeiligBalie dan deze werkplek. Vraag de beheerder om de server bij te werken. Tot dan wordt er niets verzonden of ontvangen; wat je opslaat blijft op deze werkplek en wordt daarna verzonden.</translation>
    </message>
    <message>
      <source>The link of this workstation is kept in the operating system (keyring).</source>
      <translation>De koppeling van deze werkplek wordt bewaard in het besturingssysteem (sleutelbos).</translation>
    </message>
    <message>
      <source>The file with this workstation's link could not be used safely (others could read it, or it is damaged), so it was not used: %1. Link this workstation again; the log says more.</source>
      <translation>Het bestand met de koppeling van deze werkplek kon niet veilig worden gebruikt (anderen konden het lezen, of het is beschadigd) en is daarom niet gebruikt: %1. Koppel deze werkplek opnieuw; in het logboek staat meer.</translation>
    </message>
    <message>
      <source>This system has no keyring: the link of this workstation is kept in a file that only your user can read: %1. Passwords are never stored; whoever signs in does so again after a restart.</source>
      <translation>Dit systeem heeft geen sleutelbos: de koppeling van deze werkplek wordt bewaard in een bestand dat alleen jouw gebruiker kan lezen: %1. Wachtwoorden worden nooit bewaard; wie inlogt, doet dat na een herstart opnieuw.</translation>
    </message>
    <message>
      <source>Nothing is kept on disk here: the link lasts for this session only. After a restart this workstation must be linked again with a new code from the administrator.</source>
      <translation>Hier wordt niets op schijf bewaard: de koppeling geldt alleen voor deze sessie. Na een herstart moet deze werkplek opnieuw worden gekoppeld met een nieuwe code van de beheerder.</translation>
    </message>
    <message>
      <source>Organisation CA certificate</source>
      <translation>CA-certificaat van de organisatie</translation>
    </message>
    <message>
      <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
      <translation>Certificaten (*.pem *.crt *.cer);;Alle bestanden (*)</translation>
    </message>
    <message>
      <source>Enter the server address.</source>
      <translation>Vul het serveradres in.</translation>
    </message>
    <message>
      <source>Enter the enrolment code.</source>
      <translation>Vul de koppelcode in.</translation>
    </message>
    <message>
      <source>The CA file cannot be used: it holds no certificate.</source>
      <translation>Het CA-bestand is niet bruikbaar: er staat geen certificaat in.</translation>
    </message>
    <message>
      <source>This is not a server address.</source>
      <translation>Dit is geen serveradres.</translation>
    </message>
    <message>
      <source>Linking…</source>
      <translation>Bezig met koppelen…</translation>
    </message>
    <message>
      <source>No http:// or https:// given: the secure %1 will be used.</source>
      <translation>Geen http:// of https:// opgegeven: het beveiligde %1 wordt gebruikt.</translation>
    </message>
    <message>
      <source>Linked with the server.</source>
      <translation>Gekoppeld met de server.</translation>
    </message>
    <message>
      <source>No longer linked.</source>
      <translation>Niet meer gekoppeld.</translation>
    </message>
    <message>
      <source>Enter your username and password.</source>
      <translation>Vul je gebruikersnaam en wachtwoord in.</translation>
    </message>
    <message>
      <source>Link this workstation with a server first.</source>
      <translation>Koppel deze werkplek eerst met een server.</translation>
    </message>
    <message>
      <source>Signing in…</source>
      <translation>Bezig met inloggen…</translation>
    </message>
    <message>
      <source>Signed in.</source>
      <translation>Ingelogd.</translation>
    </message>
    <message>
      <source>Not signed in: the password was not changed.</source>
      <translation>Niet aangemeld: het wachtwoord is niet gewijzigd.</translation>
    </message>
    <message>
      <source>Signed out.</source>
      <translation>Uitgelogd.</translation>
    </message>
    <message>
      <source>The new password is not valid.</source>
      <translation>Het nieuwe wachtwoord is niet geldig.</translation>
    </message>
    <message>
      <source>Changing the password…</source>
      <translation>Bezig met wachtwoord wijzigen…</translation>
    </message>
    <message>
      <source>The password was changed.</source>
      <translation>Het wachtwoord is gewijzigd.</translation>
    </message>
    <message>
      <source>(not on this workstation)</source>
      <translation>(niet op deze werkplek)</translation>
    </message>
    <message>
      <source>Linked with %1 (%2, %3) at %4.</source>
      <translation>Gekoppeld met %1 (%2, %3) op %4.</translation>
    </message>
    <message>
      <source>Not linked: VeiligBalie works locally on this workstation.</source>
      <translation>Niet gekoppeld: VeiligBalie werkt lokaal op deze werkplek.</translation>
    </message>
    <message>
      <source>Signed in as %1.</source>
      <translation>Ingelogd als %1.</translation>
    </message>
    <message>
      <source>Nobody is signed in: reports are sent in the workstation's name.</source>
      <translation>Niemand is ingelogd: meldingen worden op naam van de werkplek verstuurd.</translation>
    </message>
    <message>
      <source>Link this workstation first, then sign in.</source>
      <translation>Koppel eerst deze werkplek, log daarna in.</translation>
    </message>
    <message>
      <source>Local only</source>
      <translation>Alleen lokaal</translation>
    </message>
    <message>
      <source>Connected</source>
      <translation>Verbonden</translation>
    </message>
    <message>
      <source>No connection: %1</source>
      <translation>Geen verbinding: %1</translation>
    </message>
    <message>
      <source>No connection</source>
      <translation>Geen verbinding</translation>
    </message>
    <message numerus="yes">
      <source>%1 (%n evidence file(s))</source>
      <translation>
        <numerusform>%1 (waarvan %n bewijsbestand)</numerusform>
        <numerusform>%1 (waarvan %n bewijsbestanden)</numerusform>
      </translation>
    </message>
    <message>
      <source>%1, sent once this workstation is linked to a server</source>
      <translation>%1, verzonden zodra deze werkplek aan een server is gekoppeld</translation>
    </message>
    <message>
      <source>Change %1 (%2): %3</source>
      <translation>Wijziging %1 (%2): %3</translation>
    </message>
    <message>
      <source>%1 in report %2: two versions, choose one</source>
      <translation>%1 in melding %2: twee versies, kies er één</translation>
    </message>
    <message>
      <source>Yours: %1 · on the server: %2</source>
      <translation>Jouw versie: %1 · op de server: %2</translation>
    </message>
  </context>
  <context>
    <name>Settings</name>
    <message>
      <source>Workstation name</source>
      <translation>Naam van de werkplek</translation>
    </message>
    <message>
      <source>Location of this workstation</source>
      <translation>Locatie van deze werkplek</translation>
    </message>
    <message>
      <source>Your name (used as reporter)</source>
      <translation>Je naam (als melder)</translation>
    </message>
    <message>
      <source>Language: nl, en, or system (follow the system)</source>
      <translation>Taal: nl, en of system (volgt het systeem)</translation>
    </message>
    <message>
      <source>Window geometry</source>
      <translation>Vensterpositie en -grootte</translation>
    </message>
    <message>
      <source>Window state</source>
      <translation>Vensterindeling</translation>
    </message>
    <message>
      <source>Alarm key</source>
      <translation>Alarmtoets</translation>
    </message>
    <message>
      <source>Play a sound when a colleague raises an alarm</source>
      <translation>Geluid als een collega alarm slaat</translation>
    </message>
    <message>
      <source>Play the sound for test alarms too</source>
      <translation>Ook geluid bij testalarmen</translation>
    </message>
    <message>
      <source>Network for alarms between stations</source>
      <translation>Netwerk voor alarm tussen werkplekken</translation>
    </message>
    <message>
      <source>UDP port for alarms between stations</source>
      <translation>UDP-poort voor alarm tussen werkplekken</translation>
    </message>
    <message>
      <source>Multicast group (empty: broadcast)</source>
      <translation>Multicastgroep (leeg: broadcast)</translation>
    </message>
    <message>
      <source>UDP port for alarms set by the server</source>
      <translation>UDP-poort voor alarmen, ingesteld door de server</translation>
    </message>
    <message>
      <source>Multicast group set by the server</source>
      <translation>Multicastgroep, ingesteld door de server</translation>
    </message>
    <message>
      <source>Alarms between workstations allowed by the server</source>
      <translation>Alarmen tussen werkplekken toegestaan door de server</translation>
    </message>
    <message>
      <source>Site (stations of one site alarm each other)</source>
      <translation>Vestiging (werkplekken van één vestiging alarmeren elkaar)</translation>
    </message>
    <message>
      <source>Workstation id (made once, never shown)</source>
      <translation>Werkplek-id (eenmalig gemaakt, nooit getoond)</translation>
    </message>
    <message>
      <source>Organisation name for documents</source>
      <translation>Naam organisatie voor documenten</translation>
    </message>
    <message>
      <source>Organisation postal address for documents</source>
      <translation>Postadres organisatie voor documenten</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Serveradres</translation>
    </message>
    <message>
      <source>Organisation CA certificate file</source>
      <translation>CA-certificaatbestand van de organisatie</translation>
    </message>
    <message>
      <source>Organisation</source>
      <translation>Organisatie</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Site id on the server</source>
      <translation>Vestigings-id op de server</translation>
    </message>
    <message>
      <source>Workstation id on the server</source>
      <translation>Werkplek-id op de server</translation>
    </message>
    <message>
      <source>Location set on the server</source>
      <translation>Locatie volgens de server</translation>
    </message>
    <message>
      <source>Signed-in user (reporter name)</source>
      <translation>Ingelogde gebruiker (naam als melder)</translation>
    </message>
    <message>
      <source>Signed-in username</source>
      <translation>Gebruikersnaam van de ingelogde gebruiker</translation>
    </message>
    <message>
      <source>Role of the signed-in user</source>
      <translation>Rol van de ingelogde gebruiker</translation>
    </message>
    <message>
      <source>Id of the signed-in user</source>
      <translation>Id van de aangemelde gebruiker</translation>
    </message>
    <message>
      <source>The site shares its log with employees</source>
      <translation>De vestiging deelt haar logboek met medewerkers</translation>
    </message>
    <message>
      <source>Saved filters of the log</source>
      <translation>Bewaarde filters van het logboek</translation>
    </message>
    <message>
      <source>Supervision notices already given</source>
      <translation>Toezichtmeldingen die al gegeven zijn</translation>
    </message>
  </context>
  <context>
    <name>SettingsView</name>
    <message>
      <source>Settings</source>
      <translation>Instellingen</translation>
    </message>
    <message>
      <source>You and this workstation</source>
      <translation>Jij en deze werkplek</translation>
    </message>
    <message>
      <source>Used as reporter when nobody is signed in; empty: the workstation name</source>
      <translation>Als melder gebruikt als niemand is ingelogd; leeg: de naam van de werkplek</translation>
    </message>
    <message>
      <source>Link credential</source>
      <translation>Koppelgegevens</translation>
    </message>
    <message>
      <source>&amp;Advanced (administrator)</source>
      <translation>&amp;Geavanceerd (beheerder)</translation>
    </message>
    <message>
      <source>Advanced settings</source>
      <translation>Geavanceerde instellingen</translation>
    </message>
    <message>
      <source>This workstation</source>
      <translation>Deze werkplek</translation>
    </message>
    <message>
      <source>Workstation name</source>
      <translation>Naam van de werkplek</translation>
    </message>
    <message>
      <source>Location (shown with alarms)</source>
      <translation>Locatie (getoond bij alarmen)</translation>
    </message>
    <message>
      <source>e.g. Town hall, ground floor, desk 3</source>
      <translation>bijv. Stadskantoor, begane grond, balie 3</translation>
    </message>
    <message>
      <source>Your name</source>
      <translation>Je naam</translation>
    </message>
    <message>
      <source>&amp;Workstation name</source>
      <translation>&amp;Naam van de werkplek</translation>
    </message>
    <message>
      <source>L&amp;ocation</source>
      <translation>L&amp;ocatie</translation>
    </message>
    <message>
      <source>Your &amp;name</source>
      <translation>&amp;Je naam</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>Taal</translation>
    </message>
    <message>
      <source>Automatic (system language)</source>
      <translation>Automatisch (taal van het systeem)</translation>
    </message>
    <message>
      <source>&amp;Language (after restart)</source>
      <translation>&amp;Taal (na herstart)</translation>
    </message>
    <message>
      <source>Play a sound when a colleague raises an alarm</source>
      <translation>Geluid afspelen als een collega alarm slaat</translation>
    </message>
    <message>
      <source>Storage and security</source>
      <translation>Opslag en beveiliging</translation>
    </message>
    <message>
      <source>Data folder</source>
      <translation>Gegevensmap</translation>
    </message>
    <message>
      <source>Log folder</source>
      <translation>Logmap</translation>
    </message>
    <message>
      <source>Organisation (for documents without a server)</source>
      <translation>Organisatie (voor documenten zonder server)</translation>
    </message>
    <message>
      <source>The letterhead of the police-report sheet and letters. A linked server's details take precedence.</source>
      <translation>Het briefhoofd van het aangifteblad en van brieven. Gegevens van een gekoppelde server gaan voor.</translation>
    </message>
    <message>
      <source>Organisation name</source>
      <translation>Naam organisatie</translation>
    </message>
    <message>
      <source>Postal address</source>
      <translation>Postadres</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>&amp;Opslaan</translation>
    </message>
    <message>
      <source>Save settings</source>
      <translation>Instellingen opslaan</translation>
    </message>
    <message>
      <source>Saved.</source>
      <translation>Opgeslagen.</translation>
    </message>
  </context>
  <context>
    <name>SignaleringDialog</name>
    <message>
      <source>Signalering</source>
      <translation>Signalering</translation>
    </message>
    <message>
      <source>A signalering is shown at the counter only as its measure, never with the history. It becomes active once the reason, the period, who decided and when and how the person was informed are filled in.</source>
      <translation>Aan de balie is een signalering alleen als maatregel te zien, nooit met de voorgeschiedenis. Ze wordt actief zodra de reden, de periode, wie besloot en wanneer en hoe de persoon is geïnformeerd zijn ingevuld.</translation>
    </message>
    <message>
      <source>Measure</source>
      <translation>Maatregel</translation>
    </message>
    <message>
      <source>&amp;Measure:</source>
      <translation>&amp;Maatregel:</translation>
    </message>
    <message>
      <source>Other measure</source>
      <translation>Andere maatregel</translation>
    </message>
    <message>
      <source>&amp;Other measure:</source>
      <translation>&amp;Andere maatregel:</translation>
    </message>
    <message>
      <source>Text shown at the counter</source>
      <translation>Tekst voor de balie</translation>
    </message>
    <message>
      <source>e.g. only by appointment, with two colleagues</source>
      <translation>bijv. alleen op afspraak, met twee collega's</translation>
    </message>
    <message>
      <source>&amp;Text at the counter:</source>
      <translation>&amp;Tekst voor de balie:</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Reden</translation>
    </message>
    <message>
      <source>&amp;Reason:</source>
      <translation>&amp;Reden:</translation>
    </message>
    <message>
      <source>Period from</source>
      <translation>Periode vanaf</translation>
    </message>
    <message>
      <source>Period until</source>
      <translation>Periode tot en met</translation>
    </message>
    <message>
      <source>until</source>
      <translation>tot en met</translation>
    </message>
    <message>
      <source>&amp;Period:</source>
      <translation>&amp;Periode:</translation>
    </message>
    <message>
      <source>Decided by</source>
      <translation>Besloten door</translation>
    </message>
    <message>
      <source>&amp;Decided by:</source>
      <translation>&amp;Besloten door:</translation>
    </message>
    <message>
      <source>Decided on</source>
      <translation>Besloten op</translation>
    </message>
    <message>
      <source>Decided &amp;on:</source>
      <translation>Besloten &amp;op:</translation>
    </message>
    <message>
      <source>Informed on</source>
      <translation>Geïnformeerd op</translation>
    </message>
    <message>
      <source>&amp;Informed on:</source>
      <translation>&amp;Geïnformeerd op:</translation>
    </message>
    <message>
      <source>Informed how</source>
      <translation>Hoe geïnformeerd</translation>
    </message>
    <message>
      <source>(not yet)</source>
      <translation>(nog niet)</translation>
    </message>
    <message>
      <source>Informed &amp;how:</source>
      <translation>&amp;Hoe geïnformeerd:</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Annuleren</translation>
    </message>
    <message>
      <source>Save as proposal</source>
      <translation>Opslaan als voorstel</translation>
    </message>
    <message>
      <source>Save and make active</source>
      <translation>Opslaan en actief maken</translation>
    </message>
    <message>
      <source>Before it can be made active, still needed: %1.</source>
      <translation>Voordat de signalering actief kan worden, is nog nodig: %1.</translation>
    </message>
    <message>
      <source>Complete: it can be made active.</source>
      <translation>Compleet: de signalering kan actief worden.</translation>
    </message>
  </context>
  <context>
    <name>SiteScheduleEditor</name>
    <message>
      <source>Opening hours and test alarms</source>
      <translation>Openingstijden en testalarmen</translation>
    </message>
    <message>
      <source>Opening hours</source>
      <translation>Openingstijden</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>From</source>
      <translation>Van</translation>
    </message>
    <message>
      <source>Until</source>
      <translation>Tot</translation>
    </message>
    <message>
      <source>Open on %1</source>
      <translation>Open op %1</translation>
    </message>
    <message>
      <source>Opens on %1</source>
      <translation>Opent op %1</translation>
    </message>
    <message>
      <source>Closes on %1</source>
      <translation>Sluit op %1</translation>
    </message>
    <message>
      <source>00:00 means until midnight</source>
      <translation>00:00 betekent tot middernacht</translation>
    </message>
    <message>
      <source>Test alarms</source>
      <translation>Testalarmen</translation>
    </message>
    <message>
      <source>How often each workstation is tested</source>
      <translation>Hoe vaak elke werkplek getest wordt</translation>
    </message>
    <message>
      <source>No schedule</source>
      <translation>Geen schema</translation>
    </message>
    <message>
      <source>Every number of days</source>
      <translation>Om de zoveel dagen</translation>
    </message>
    <message>
      <source>Weekly on a weekday</source>
      <translation>Wekelijks op een vaste dag</translation>
    </message>
    <message>
      <source>Schedule</source>
      <translation>Schema</translation>
    </message>
    <message>
      <source>Days between tests</source>
      <translation>Dagen tussen tests</translation>
    </message>
    <message>
      <source>Test day</source>
      <translation>Testdag</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Opslaan</translation>
    </message>
    <message>
      <source>Save opening hours and test schedule</source>
      <translation>Openingstijden en testschema opslaan</translation>
    </message>
    <message>
      <source>Times in %1.</source>
      <translation>Tijden in %1.</translation>
    </message>
    <message>
      <source>Not set yet: the defaults apply (weekdays 08:00–17:00).</source>
      <translation>Nog niet ingesteld: de standaard geldt (werkdagen 08:00–17:00).</translation>
    </message>
    <message>
      <source>Last changed by %1 on %2.</source>
      <translation>Laatst gewijzigd door %1 op %2.</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>Opslaan…</translation>
    </message>
    <message>
      <source>Saved.</source>
      <translation>Opgeslagen.</translation>
    </message>
  </context>
  <context>
    <name>StationBoard</name>
    <message>
      <source>Station board</source>
      <translation>Werkplekkenbord</translation>
    </message>
    <message>
      <source>Workstations of the site</source>
      <translation>Werkplekken van de vestiging</translation>
    </message>
    <message>
      <source>Workstation</source>
      <translation>Werkplek</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Since</source>
      <translation>Sinds</translation>
    </message>
    <message>
      <source>Reachable via</source>
      <translation>Bereikbaar via</translation>
    </message>
    <message>
      <source>Client version</source>
      <translation>Versie</translation>
    </message>
    <message>
      <source>Last test</source>
      <translation>Laatste test</translation>
    </message>
    <message>
      <source>Server and LAN</source>
      <translation>Beide (server en LAN)</translation>
    </message>
    <message>
      <source>Server</source>
      <translation>Server</translation>
    </message>
    <message>
      <source>LAN only</source>
      <translation>Alleen LAN</translation>
    </message>
    <message>
      <source>Not reachable</source>
      <translation>Niet bereikbaar</translation>
    </message>
    <message>
      <source>Dropped out</source>
      <translation>Uitgevallen</translation>
    </message>
    <message>
      <source>Test overdue</source>
      <translation>Test te laat</translation>
    </message>
    <message>
      <source>open now</source>
      <translation>nu open</translation>
    </message>
    <message>
      <source>closed now</source>
      <translation>nu gesloten</translation>
    </message>
    <message>
      <source>&lt;b&gt;%1&lt;/b&gt; — %2</source>
      <translation>&lt;b&gt;%1&lt;/b&gt; — %2</translation>
    </message>
    <message>
      <source>%1 of %2 workstations online</source>
      <translation>%1 van %2 werkplekken online</translation>
    </message>
    <message numerus="yes">
      <source>%n dropped out during opening hours</source>
      <translation>
        <numerusform>%n uitgevallen tijdens openingstijden</numerusform>
        <numerusform>%n uitgevallen tijdens openingstijden</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n not tested within the schedule</source>
      <translation>
        <numerusform>%n niet getest volgens schema</numerusform>
        <numerusform>%n niet getest volgens schema</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SupervisionService</name>
    <message>
      <source>Sign in with a linked workstation to see supervision.</source>
      <translation>Meld u aan op een gekoppelde werkplek om Toezicht te zien.</translation>
    </message>
    <message>
      <source>Workstation dropped out</source>
      <translation>Werkplek uitgevallen</translation>
    </message>
    <message>
      <source>%1 (%2) went offline during opening hours at %3.</source>
      <translation>%1 (%2) is om %3 offline gegaan tijdens openingstijden.</translation>
    </message>
    <message>
      <source>Test alarm due</source>
      <translation>Testalarm nodig</translation>
    </message>
    <message>
      <source>%1 was not tested within the schedule: send a test alarm there.</source>
      <translation>%1 is niet volgens schema getest: geef daar een testalarm.</translation>
    </message>
    <message>
      <source>The server cannot be reached; the lists show what was last known.</source>
      <translation>De server is niet bereikbaar; de lijsten tonen wat het laatst bekend was.</translation>
    </message>
    <message>
      <source>Your role may not see supervision.</source>
      <translation>Uw rol mag Toezicht niet zien.</translation>
    </message>
    <message>
      <source>Sign in as administrator on a linked workstation.</source>
      <translation>Meld u aan als beheerder op een gekoppelde werkplek.</translation>
    </message>
  </context>
  <context>
    <name>SupervisionView</name>
    <message>
      <source>Mon</source>
      <translation>ma</translation>
    </message>
    <message>
      <source>Tue</source>
      <translation>di</translation>
    </message>
    <message>
      <source>Wed</source>
      <translation>wo</translation>
    </message>
    <message>
      <source>Thu</source>
      <translation>do</translation>
    </message>
    <message>
      <source>Fri</source>
      <translation>vr</translation>
    </message>
    <message>
      <source>Sat</source>
      <translation>za</translation>
    </message>
    <message>
      <source>Sun</source>
      <translation>zo</translation>
    </message>
    <message>
      <source>none</source>
      <translation>geen</translation>
    </message>
    <message>
      <source>Opening hours: %1</source>
      <translation>Openingstijden: %1</translation>
    </message>
    <message>
      <source>Supervision</source>
      <translation>Toezicht</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>Vernieuwen</translation>
    </message>
    <message>
      <source>Station board</source>
      <translation>Werkplekkenbord</translation>
    </message>
    <message>
      <source>Alarm log</source>
      <translation>Alarmlogboek</translation>
    </message>
    <message>
      <source>Test alarms</source>
      <translation>Testalarmen</translation>
    </message>
    <message>
      <source>Supervision is for security, team leads and coördinators who are signed in.</source>
      <translation>Toezicht is voor beveiliging, teamleiders en coördinatoren die zijn aangemeld.</translation>
    </message>
  </context>
  <context>
    <name>SyncEngine</name>
    <message>
      <source>The evidence file %1 of a report is no longer on this workstation and cannot be sent to the server</source>
      <translation>Het bewijsbestand %1 van een melding staat niet meer op deze werkplek en kan niet naar de server</translation>
    </message>
    <message>
      <source>The server did not accept the evidence file %1: %2</source>
      <translation>De server heeft het bewijsbestand %1 niet aangenomen: %2</translation>
    </message>
    <message>
      <source>This workstation took a new sync identity (another copy of it used the old one); every unsent change is sent again</source>
      <translation>Deze werkplek heeft een nieuwe synchronisatie-identiteit gekregen (een kopie ervan gebruikte de oude); alle nog niet verzonden wijzigingen worden opnieuw verstuurd</translation>
    </message>
  </context>
  <context>
    <name>TeamChoiceDialog</name>
    <message>
      <source>Team</source>
      <translation>Team</translation>
    </message>
    <message>
      <source>No team</source>
      <translation>Geen team</translation>
    </message>
    <message>
      <source>The team of %1:</source>
      <translation>Het team van %1:</translation>
    </message>
    <message>
      <source>&amp;Team</source>
      <translation>&amp;Team</translation>
    </message>
  </context>
  <context>
    <name>TeamDialog</name>
    <message>
      <source>Rename team</source>
      <translation>Team hernoemen</translation>
    </message>
    <message>
      <source>New team</source>
      <translation>Nieuw team</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Team name</source>
      <translation>Teamnaam</translation>
    </message>
    <message>
      <source>&amp;Site</source>
      <translation>&amp;Vestiging</translation>
    </message>
    <message>
      <source>Team &amp;name</source>
      <translation>Team&amp;naam</translation>
    </message>
    <message>
      <source>Add a site first (Organisation).</source>
      <translation>Voeg eerst een vestiging toe (Organisatie).</translation>
    </message>
    <message>
      <source>Enter the team's name.</source>
      <translation>Vul de naam van het team in.</translation>
    </message>
  </context>
  <context>
    <name>TeamsTableModel</name>
    <message>
      <source>Team</source>
      <translation>Team</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Team leads</source>
      <translation>Teamleiders</translation>
    </message>
    <message>
      <source>Members</source>
      <translation>Leden</translation>
    </message>
    <message>
      <source>every team lead of the site</source>
      <translation>elke teamleider van de vestiging</translation>
    </message>
  </context>
  <context>
    <name>TestAlarms</name>
    <message>
      <source>Test alarms</source>
      <translation>Testalarmen</translation>
    </message>
    <message>
      <source>Test results per workstation</source>
      <translation>Testresultaten per werkplek</translation>
    </message>
    <message>
      <source>Workstation</source>
      <translation>Werkplek</translation>
    </message>
    <message>
      <source>Last test</source>
      <translation>Laatste test</translation>
    </message>
    <message>
      <source>Result</source>
      <translation>Resultaat</translation>
    </message>
    <message>
      <source>Heard by</source>
      <translation>Gehoord door</translation>
    </message>
    <message>
      <source>Answered by</source>
      <translation>Beantwoord door</translation>
    </message>
    <message>
      <source>Reminder</source>
      <translation>Herinnering</translation>
    </message>
    <message>
      <source>Answered</source>
      <translation>Beantwoord</translation>
    </message>
    <message>
      <source>Heard, not answered</source>
      <translation>Gehoord, niet beantwoord</translation>
    </message>
    <message>
      <source>Missed: nobody received it</source>
      <translation>Gemist: niemand ontving het</translation>
    </message>
    <message numerus="yes">
      <source>Test schedule: every %n day(s)</source>
      <translation>
        <numerusform>Testschema: elke dag</numerusform>
        <numerusform>Testschema: elke %n dagen</numerusform>
      </translation>
    </message>
    <message>
      <source>Test schedule: weekly on %1</source>
      <translation>Testschema: wekelijks op %1</translation>
    </message>
    <message>
      <source>Test schedule: none set</source>
      <translation>Testschema: niet ingesteld</translation>
    </message>
    <message>
      <source>Not tested within the schedule (since %1)</source>
      <translation>Niet volgens schema getest (sinds %1)</translation>
    </message>
    <message>
      <source>never</source>
      <translation>nooit</translation>
    </message>
  </context>
  <context>
    <name>TimelineText</name>
    <message>
      <source>When</source>
      <translation>Wanneer</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>Waar</translation>
    </message>
    <message>
      <source>How</source>
      <translation>Hoe</translation>
    </message>
    <message>
      <source>What happened</source>
      <translation>Wat er gebeurde</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Ernst</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>Beschrijving</translation>
    </message>
    <message>
      <source>On behalf of</source>
      <translation>Namens</translation>
    </message>
    <message>
      <source>Perpetrator known</source>
      <translation>Dader bekend</translation>
    </message>
    <message>
      <source>Perpetrator</source>
      <translation>Dader</translation>
    </message>
    <message>
      <source>Client or case number</source>
      <translation>Klant- of zaaknummer</translation>
    </message>
    <message>
      <source>Witnesses</source>
      <translation>Getuigen</translation>
    </message>
    <message>
      <source>Injury</source>
      <translation>Letsel</translation>
    </message>
    <message>
      <source>Damage</source>
      <translation>Schade</translation>
    </message>
    <message>
      <source>Estimated damage</source>
      <translation>Geschatte schade</translation>
    </message>
    <message>
      <source>Absence</source>
      <translation>Verzuim</translation>
    </message>
    <message>
      <source>Police called</source>
      <translation>Politie gebeld</translation>
    </message>
    <message>
      <source>Arrest</source>
      <translation>Aanhouding</translation>
    </message>
    <message>
      <source>Police report intended</source>
      <translation>Aangifte voorgenomen</translation>
    </message>
    <message>
      <source>Aftercare talk wanted</source>
      <translation>Nazorggesprek gewenst</translation>
    </message>
    <message>
      <source>Only visible to the team lead</source>
      <translation>Alleen zichtbaar voor de teamleider</translation>
    </message>
    <message>
      <source>(empty)</source>
      <translation>(leeg)</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nee</translation>
    </message>
    <message>
      <source>Status: %1</source>
      <translation>Status: %1</translation>
    </message>
    <message>
      <source>Closed. Conclusion: %1</source>
      <translation>Afgesloten. Conclusie: %1</translation>
    </message>
    <message>
      <source>%1 planned, due %2</source>
      <translation>%1 gepland, uiterlijk %2</translation>
    </message>
    <message>
      <source>%1 planned</source>
      <translation>%1 gepland</translation>
    </message>
    <message>
      <source>%1 done on %2</source>
      <translation>%1 gedaan op %2</translation>
    </message>
    <message>
      <source>%1 assigned to %2</source>
      <translation>%1 toegewezen aan %2</translation>
    </message>
    <message>
      <source>%1 reopened</source>
      <translation>%1 heropend</translation>
    </message>
    <message>
      <source>%1 updated</source>
      <translation>%1 bijgewerkt</translation>
    </message>
    <message>
      <source>warning letter</source>
      <translation>waarschuwingsbrief</translation>
    </message>
    <message>
      <source>invitation to a talk</source>
      <translation>uitnodiging voor een gesprek</translation>
    </message>
    <message>
      <source>access ban</source>
      <translation>toegangsverbod</translation>
    </message>
    <message>
      <source>Letter made: %1</source>
      <translation>Brief gemaakt: %1</translation>
    </message>
    <message>
      <source>Assigned to %1</source>
      <translation>Toegewezen aan %1</translation>
    </message>
    <message>
      <source>No longer assigned</source>
      <translation>Niet meer toegewezen</translation>
    </message>
    <message>
      <source>Message from your team lead: %1</source>
      <translation>Bericht van je teamleider: %1</translation>
    </message>
    <message>
      <source>Message to the reporter: %1</source>
      <translation>Bericht aan melder: %1</translation>
    </message>
    <message>
      <source>You added: %1</source>
      <translation>Door jou aangevuld: %1</translation>
    </message>
    <message>
      <source>Added by the reporter: %1</source>
      <translation>Aangevuld door de melder: %1</translation>
    </message>
    <message>
      <source>Changed: %1</source>
      <translation>Gewijzigd: %1</translation>
    </message>
    <message>
      <source>Changed: %1 is now %2</source>
      <translation>Gewijzigd: %1 is nu %2</translation>
    </message>
  </context>
  <context>
    <name>WhatHappened</name>
    <message>
      <source>Number of characters</source>
      <translation>Aantal tekens</translation>
    </message>
    <message>
      <source>%1 of at most %2 characters</source>
      <translation>%1 van hoogstens %2 tekens</translation>
    </message>
    <message>
      <source>at least %1</source>
      <translation>minstens %1</translation>
    </message>
    <message>
      <source>%1 too many</source>
      <translation>%1 te veel</translation>
    </message>
  </context>
  <context>
    <name>WhenPicker</name>
    <message>
      <source>Just now</source>
      <translation>Zojuist</translation>
    </message>
    <message>
      <source>Today at</source>
      <translation>Vandaag om</translation>
    </message>
    <message>
      <source>Today at a time</source>
      <translation>Vandaag om een tijdstip</translation>
    </message>
    <message>
      <source>Time today</source>
      <translation>Tijdstip vandaag</translation>
    </message>
    <message>
      <source>Another day:</source>
      <translation>Andere dag:</translation>
    </message>
    <message>
      <source>Another date and time</source>
      <translation>Andere datum en tijd</translation>
    </message>
    <message>
      <source>Date and time</source>
      <translation>Datum en tijd</translation>
    </message>
    <message>
      <source>Just now (%1)</source>
      <translation>Zojuist (%1)</translation>
    </message>
  </context>
  <context>
    <name>WorklistModel</name>
    <message>
      <source>State</source>
      <translation>Stand</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>Uiterlijk</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>Taak</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Melding</translation>
    </message>
    <message>
      <source>Reporter</source>
      <translation>Melder</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>Assigned to</source>
      <translation>Toegewezen aan</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Gedaan</translation>
    </message>
    <message>
      <source>Due soon</source>
      <translation>Bijna te laat</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>Te laat</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>%1 to %2</source>
      <translation>%1 tot %2</translation>
    </message>
    <message>
      <source>Done %1</source>
      <translation>Gedaan %1</translation>
    </message>
    <message>
      <source>(report not on this workstation)</source>
      <translation>(melding niet op deze werkplek)</translation>
    </message>
  </context>
  <context>
    <name>WorklistView</name>
    <message>
      <source>New report %1 came in (%2).</source>
      <translation>Nieuwe melding %1 is binnengekomen (%2).</translation>
    </message>
    <message>
      <source>%1 for %2 is due %3.</source>
      <translation>%1 voor %2 moet uiterlijk %3 klaar zijn.</translation>
    </message>
    <message>
      <source>New report</source>
      <translation>Nieuwe melding</translation>
    </message>
    <message>
      <source>Follow-up due soon</source>
      <translation>Opvolging bijna te laat</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Opvolging</translation>
    </message>
    <message>
      <source>Notification</source>
      <translation>Melding van de opvolging</translation>
    </message>
    <message>
      <source>Alarms that need follow-up</source>
      <translation>Alarmen die opvolging vragen</translation>
    </message>
    <message>
      <source>Close with a reason…</source>
      <translation>Afsluiten met reden…</translation>
    </message>
    <message>
      <source>Make a report</source>
      <translation>Melding maken</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>Te laat</translation>
    </message>
    <message>
      <source>All</source>
      <translation>Alles</translation>
    </message>
    <message>
      <source>Assigned to me</source>
      <translation>Aan mij toegewezen</translation>
    </message>
    <message>
      <source>Follow-up tasks</source>
      <translation>Opvolgtaken</translation>
    </message>
    <message>
      <source>Tick off…</source>
      <translation>Afvinken…</translation>
    </message>
    <message>
      <source>Assign…</source>
      <translation>Toewijzen…</translation>
    </message>
    <message>
      <source>Reopen</source>
      <translation>Heropenen</translation>
    </message>
    <message>
      <source>The first %1 tasks by due date</source>
      <translation>De eerste %1 taken op datum</translation>
    </message>
    <message numerus="yes">
      <source>%n task(s)</source>
      <translation>
        <numerusform>%n taak</numerusform>
        <numerusform>%n taken</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n overdue</source>
      <translation>
        <numerusform>%n te laat</numerusform>
        <numerusform>%n te laat</numerusform>
      </translation>
    </message>
    <message>
      <source>No open follow-up tasks.</source>
      <translation>Geen openstaande opvolgtaken.</translation>
    </message>
    <message>
      <source>Nothing is overdue.</source>
      <translation>Niets is te laat.</translation>
    </message>
    <message>
      <source>No follow-up tasks yet. They are made when a report comes in.</source>
      <translation>Nog geen opvolgtaken. Ze worden gemaakt zodra er een melding binnenkomt.</translation>
    </message>
    <message>
      <source>No open tasks are assigned to you.</source>
      <translation>Er zijn geen openstaande taken aan u toegewezen.</translation>
    </message>
    <message numerus="yes">
      <source>Alarms that need follow-up (%n)</source>
      <translation>
        <numerusform>Alarmen die opvolging vragen (%n)</numerusform>
        <numerusform>Alarmen die opvolging vragen (%n)</numerusform>
      </translation>
    </message>
    <message>
      <source>cancelled alarm</source>
      <translation>geannuleerd alarm</translation>
    </message>
    <message>
      <source>alarm without a report</source>
      <translation>alarm zonder melding</translation>
    </message>
    <message>
      <source>%1 (reported afterwards)</source>
      <translation>%1 (achteraf gemeld)</translation>
    </message>
    <message>
      <source>%1 · %2 · %3</source>
      <translation>%1 · %2 · %3</translation>
    </message>
    <message>
      <source>The server could not be reached when it was raised: the station reported it afterwards, with the times it kept. Colleagues nearby may have had it over the local network.</source>
      <translation>De server was niet bereikbaar toen het alarm werd gegeven: de werkplek heeft het achteraf gemeld, met de tijden die zij bijhield. Collega's in de buurt kunnen het via het lokale netwerk hebben gekregen.</translation>
    </message>
    <message>
      <source>Reopened</source>
      <translation>Heropend</translation>
    </message>
  </context>
  <context>
    <name>WorkstationDialog</name>
    <message>
      <source>Move %1</source>
      <translation>%1 verplaatsen</translation>
    </message>
    <message>
      <source>Add workstation</source>
      <translation>Werkplek toevoegen</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Workstation name</source>
      <translation>Naam van de werkplek</translation>
    </message>
    <message>
      <source>e.g. balie-3</source>
      <translation>bijv. balie-3</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>e.g. Balie 3, ground floor</source>
      <translation>bijv. Balie 3, begane grond</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Naam</translation>
    </message>
    <message>
      <source>A workstation moved to another site must be linked again: you get a new link code for it.</source>
      <translation>Een werkplek die naar een andere vestiging gaat, moet opnieuw gekoppeld worden: u krijgt er een nieuwe koppelcode voor.</translation>
    </message>
    <message>
      <source>Move</source>
      <translation>Verplaatsen</translation>
    </message>
    <message>
      <source>Add</source>
      <translation>Toevoegen</translation>
    </message>
  </context>
  <context>
    <name>WorkstationsPage</name>
    <message>
      <source>never</source>
      <translation>nooit</translation>
    </message>
    <message>
      <source>Workstations</source>
      <translation>Werkplekken</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>Vestiging</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Naam</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>Locatie</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Last heartbeat</source>
      <translation>Laatste teken van leven</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>Versie</translation>
    </message>
    <message>
      <source>Add workstation…</source>
      <translation>Werkplek toevoegen…</translation>
    </message>
    <message>
      <source>Add workstation</source>
      <translation>Werkplek toevoegen</translation>
    </message>
    <message>
      <source>New link code</source>
      <translation>Nieuwe koppelcode</translation>
    </message>
    <message>
      <source>Move…</source>
      <translation>Verplaatsen…</translation>
    </message>
    <message>
      <source>Move</source>
      <translation>Verplaatsen</translation>
    </message>
    <message>
      <source>Revoke…</source>
      <translation>Intrekken…</translation>
    </message>
    <message>
      <source>Revoke</source>
      <translation>Intrekken</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>Vernieuwen</translation>
    </message>
    <message>
      <source>Refresh the list</source>
      <translation>De lijst vernieuwen</translation>
    </message>
    <message>
      <source>Create a site first (Beheer &gt; Organisation).</source>
      <translation>Maak eerst een vestiging aan (Beheer &gt; Organisatie).</translation>
    </message>
    <message>
      <source>Revoke workstation</source>
      <translation>Werkplek intrekken</translation>
    </message>
    <message>
      <source>Revoke %1? It can then no longer reach the server or receive alarms through it, and its old link codes stop working.</source>
      <translation>%1 intrekken? De werkplek kan dan de server niet meer bereiken en daarlangs geen alarmen meer ontvangen, en oude koppelcodes werken niet meer.</translation>
    </message>
  </context>
</TS>