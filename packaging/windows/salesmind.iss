; Inno Setup 6.3+ script (x64compatible needs 6.3): per-machine installer for SalesMind Desktop (Windows x64).
;
; Build (on Windows, after packaging\build.sh's PyInstaller step produced dist\SalesMind\):
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\salesmind.iss
;   -> dist\SalesMind-0.1.0-setup.exe
;
; Install (elevated; IT / software distribution):
;   SalesMind-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="%TEMP%\salesmind-setup.log"
;   ... /POLICY="\\fileserver\it\salesmind\policy.toml"  installs it as %ProgramData%\SalesMind\policy.toml
;   ... /DIR="D:\Apps\SalesMind"                         another install folder
;   ... /TASKS="desktopicon"                             also a desktop shortcut
; Uninstall (Apps & features, or silently):
;   "%ProgramFiles%\SalesMind\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;   ... /REMOVEUSERDATA   also delete every user's local SalesMind data (calls, settings, sync queue)
;   ... /REMOVEPOLICY     also delete %ProgramData%\SalesMind\policy.toml
; Interactive uninstall asks about user data (default: keep); silent uninstall keeps it unless
; /REMOVEUSERDATA is given. CRM secrets stay in each user's Credential Manager (entry
; "salesmind-desktop"); remove them with `salesmind-desktop crm disconnect` before uninstalling.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "SalesMind"
#define AppPublisher "SalesMind"
#define DistDir "..\..\dist\SalesMind"

[Setup]
AppId={{6E0B9E61-3C1A-4D8B-9F57-5A1D6C2E7B40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine: Program Files, all users' start menu, HKLM uninstall entry.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=SalesMind-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\SalesMind.exe
UninstallDisplayName={#AppName} {#AppVersion}
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Dirs]
; Machine policy folder: readable by every rep, writable by administrators only.
Name: "{commonappdata}\{#AppName}"; Permissions: users-readexec

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\policy.example.toml"; DestDir: "{app}"; Flags: ignoreversion
; The IT policy given with /POLICY=FILE. Kept on uninstall unless /REMOVEPOLICY (see [Code]).
Source: "{param:POLICY}"; DestDir: "{commonappdata}\{#AppName}"; DestName: "policy.toml"; \
  Flags: external ignoreversion uninsneveruninstall; Check: PolicyGiven

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\SalesMind.exe"; WorkingDir: "{app}"
Name: "{autoprograms}\{#AppName} Doctor"; Filename: "{cmd}"; \
  Parameters: "/k ""{app}\salesmind-desktop.exe"" doctor"; WorkingDir: "{app}"; \
  Comment: "Check this PC: models, audio devices, keyring, CRM"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\SalesMind.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\SalesMind.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; \
  Flags: nowait postinstall skipifsilent unchecked

[Code]
function CmdLineHas(const Flag: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Flag) = 0 then
      Result := True;
end;

function PolicyGiven: Boolean;
begin
  Result := ExpandConstant('{param:POLICY|}') <> '';
end;

function InitializeSetup: Boolean;
var
  Policy: String;
begin
  Result := True;
  Policy := ExpandConstant('{param:POLICY|}');
  if (Policy <> '') and not FileExists(Policy) then
  begin
    SuppressibleMsgBox('The IT policy file ' + Policy + ' does not exist.', mbCriticalError, MB_OK, IDOK);
    Log('policy file not found: ' + Policy);
    Result := False;  { exit code 1: nothing installed }
  end;
end;

{ Each user's data lives in %LOCALAPPDATA%\SalesMind (platformdirs). The uninstaller runs elevated,
  possibly as another account, so it walks every profile under the Users folder. }
procedure RemoveAllUsersData;
var
  Users, Dir: String;
  FindRec: TFindRec;
begin
  Users := ExtractFileDir(ExpandConstant('{%PUBLIC|C:\Users\Public}'));
  if FindFirst(Users + '\*', FindRec) then
  try
    repeat
      if ((FindRec.Attributes and FILE_ATTRIBUTE_DIRECTORY) <> 0) and
         (FindRec.Name <> '.') and (FindRec.Name <> '..') then
      begin
        Dir := Users + '\' + FindRec.Name + '\AppData\Local\{#AppName}';
        if DirExists(Dir) then
        begin
          Log('removing user data ' + Dir);
          DelTree(Dir, True, True, True);
        end;
      end;
    until not FindNext(FindRec);
  finally
    FindClose(FindRec);
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  RemoveData: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  if UninstallSilent then
    RemoveData := CmdLineHas('/REMOVEUSERDATA')
  else
    RemoveData := MsgBox('Also delete the SalesMind data of every user on this PC (analysed calls, ' +
                         'settings, calls not yet synced to the CRM)?' + #13#10#13#10 +
                         'Choose No to keep it for a later reinstall.',
                         mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if RemoveData then
    RemoveAllUsersData;
  if CmdLineHas('/REMOVEPOLICY') then
  begin
    DeleteFile(ExpandConstant('{commonappdata}\{#AppName}\policy.toml'));
    RemoveDir(ExpandConstant('{commonappdata}\{#AppName}'));
  end;
end;
