<#
.SYNOPSIS
    Installs, starts, stops or removes the AiProfiler agent as a Windows service.

.DESCRIPTION
    install    publishes the agent (dotnet publish, Release) to -InstallDir and the bundled plugins to
               <InstallDir>\plugins, copies the default appsettings.json to <ConfigDir> when it is not there yet (the
               install folder keeps it as appsettings.default.json), creates the
               service (automatic start, restart on failure, virtual account NT SERVICE\<Name>) and starts it.
               Running it again upgrades the agent and keeps the configuration.
    start      starts the service.
    stop       stops the service.
    uninstall  stops and deletes the service and removes -InstallDir; -Purge also removes <ConfigDir>.

    The agent notices it was started by the service control manager and reports its state to it; run from a
    console, the same executable behaves as before (Ctrl+C stops it).

.EXAMPLE
    .\install\windows\install.ps1 install
    .\install\windows\install.ps1 install -Urls http://0.0.0.0:9464
    .\install\windows\install.ps1 uninstall -Purge
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [ValidateSet('install', 'start', 'stop', 'uninstall')]
    [string] $Action,

    [ValidatePattern('^[A-Za-z][A-Za-z0-9_.-]{0,79}$')]
    [string] $Name = 'AiProfiler',

    [ValidateNotNullOrEmpty()]
    [string] $InstallDir = (Join-Path $env:ProgramFiles 'AiProfiler'),

    [ValidateNotNullOrEmpty()]
    [string] $ConfigDir = (Join-Path $env:ProgramData 'AiProfiler'),

    [ValidateScript({
        foreach ($url in $_.Split(';', [StringSplitOptions]::RemoveEmptyEntries)) {
            if ($url -notmatch '^https?://[^\s]+:\d+/?$') { throw "-Urls '$url' is not an http(s) URL with a port; e.g. -Urls http://0.0.0.0:9464" }
        }
        $true
    })]
    [string] $Urls = 'http://0.0.0.0:9464',

    [switch] $Purge
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
$exe = Join-Path $InstallDir 'aiprofiler.exe'
$configFile = Join-Path $ConfigDir 'appsettings.json'

function Assert-Administrator {
    $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object Security.Principal.WindowsPrincipal($identity)
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw "install.ps1 $Action must run as Administrator; open PowerShell with 'Run as administrator'"
    }
}

function Get-AgentService {
    Get-Service -Name $Name -ErrorAction SilentlyContinue
}

function Invoke-Sc {
    param([string[]] $Arguments)
    $output = & sc.exe @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "sc.exe $($Arguments -join ' ') failed ($LASTEXITCODE): $output"
    }
}

function Find-Dotnet {
    $dotnet = Get-Command dotnet -ErrorAction SilentlyContinue
    if (-not $dotnet) {
        throw 'dotnet not found; install the .NET 10 SDK (https://dot.net) and open a new PowerShell'
    }
    $sdks = & $dotnet.Source --list-sdks
    if (-not ($sdks | Where-Object { $_ -match '^10\.' })) {
        throw "$($dotnet.Source) has no .NET 10 SDK (found: $($sdks -join ', ')); install the .NET 10 SDK"
    }
    $dotnet.Source
}

function Publish-Agent {
    param([string] $Dotnet, [string] $Stage)
    Write-Host 'install.ps1: publishing the agent (Release)'
    & $Dotnet publish (Join-Path $repoRoot 'src\AiProfiler.Agent\AiProfiler.Agent.csproj') -c Release -o $Stage --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw "dotnet publish of the agent failed ($LASTEXITCODE)" }
    foreach ($project in Get-ChildItem -Path (Join-Path $repoRoot 'plugins') -Filter *.csproj -Recurse -Depth 1) {
        $plugin = $project.Directory.Name
        Write-Host "install.ps1: publishing plugin $plugin"
        & $Dotnet publish $project.FullName -c Release -o (Join-Path $Stage "plugins\$plugin") --nologo -v quiet
        if ($LASTEXITCODE -ne 0) { throw "dotnet publish of plugin $plugin failed ($LASTEXITCODE)" }
    }
    if (-not (Test-Path (Join-Path $Stage 'aiprofiler.exe'))) { throw "publishing produced no aiprofiler.exe in $Stage" }
}

function Stop-AgentService {
    $service = Get-AgentService
    if ($service -and $service.Status -ne 'Stopped') {
        Stop-Service -Name $Name
        $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
    }
}

function Install-Agent {
    Assert-Administrator
    $dotnet = Find-Dotnet
    $stage = Join-Path ([IO.Path]::GetTempPath()) ("aiprofiler-" + [Guid]::NewGuid().ToString('N'))
    try {
        Publish-Agent -Dotnet $dotnet -Stage $stage
        Stop-AgentService
        if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
        New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
        Copy-Item -Recurse -Path (Join-Path $stage '*') -Destination $InstallDir
        # <ConfigDir>\appsettings.json is the whole configuration: the agent layers --config over an appsettings.json
        # beside it, merging Schedule:Jobs entry by entry, so a default file there would mix its jobs into the user's.
        Move-Item (Join-Path $InstallDir 'appsettings.json') (Join-Path $InstallDir 'appsettings.default.json')
    }
    finally {
        if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
    }

    New-Item -ItemType Directory -Force -Path $ConfigDir | Out-Null
    if (-not (Test-Path $configFile)) {
        Copy-Item (Join-Path $InstallDir 'appsettings.default.json') $configFile
        Write-Host "install.ps1: wrote $configFile (edit the schedule there)"
    }

    $binaryPath = "`"$exe`" run --urls $Urls --config `"$configFile`" --plugins `"$(Join-Path $InstallDir 'plugins')`""
    $service = Get-AgentService
    if ($service) {
        Invoke-Sc @('config', $Name, 'binPath=', $binaryPath, 'start=', 'auto')
    }
    else {
        New-Service -Name $Name -BinaryPathName $binaryPath -DisplayName 'AiProfiler agent' -StartupType Automatic `
            -Description 'Runs AI workloads on every CPU and GPU, samples the hardware and serves Prometheus metrics.' | Out-Null
    }

    # A virtual account: no password, no rights beyond reading the install and config folders and the GPUs.
    Invoke-Sc @('config', $Name, 'obj=', "NT SERVICE\$Name")
    # Restart after 5 s on the first two failures and after 60 s from then on; forget failures after a day.
    Invoke-Sc @('failure', $Name, 'reset=', '86400', 'actions=', 'restart/5000/restart/5000/restart/60000')
    Invoke-Sc @('failureflag', $Name, '1')

    Start-Service -Name $Name
    (Get-AgentService).WaitForStatus('Running', [TimeSpan]::FromSeconds(120))
    $first = $Urls.Split(';')[0].Replace('0.0.0.0', 'localhost').Replace('*', 'localhost').Replace('+', 'localhost')
    Write-Host "install.ps1: service $Name is running; metrics at $first/metrics"
}

function Uninstall-Agent {
    Assert-Administrator
    if (Get-AgentService) {
        Stop-AgentService
        Invoke-Sc @('delete', $Name)
    }
    if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
    if ($Purge -and (Test-Path $ConfigDir)) { Remove-Item -Recurse -Force $ConfigDir }
    if ($Purge) {
        Write-Host "install.ps1: removed service $Name, $InstallDir and $ConfigDir"
    }
    else {
        Write-Host "install.ps1: removed service $Name and $InstallDir; kept $ConfigDir (uninstall -Purge removes it)"
    }
}

switch ($Action) {
    'install' { Install-Agent }
    'start' {
        Assert-Administrator
        if (-not (Get-AgentService)) { throw "service $Name is not installed; run: install.ps1 install" }
        Start-Service -Name $Name
    }
    'stop' {
        Assert-Administrator
        if (-not (Get-AgentService)) { throw "service $Name is not installed; nothing to stop" }
        Stop-AgentService
    }
    'uninstall' { Uninstall-Agent }
}
