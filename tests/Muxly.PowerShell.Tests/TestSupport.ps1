# Dot-sourced by every *.Tests.ps1 in BeforeAll. Each Pester file runs in its own pwsh (build.ps1 Test).

$script:ModulePath = if ($env:MUXLY_MODULE_PATH) { $env:MUXLY_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/Muxly/Muxly.psd1' }
$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-PwshLauncher {
    # Under 'dotnet pwsh' this process is dotnet itself: a child pwsh is 'dotnet <PSHOME>/pwsh.dll'.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @{ File = $process; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
    }
    @{ File = $process; Prefix = @() }
}

function Invoke-ChildPwsh {
    <#
        Runs a script in a fresh, non-interactive pwsh with the module imported, as a scheduled task would,
        and returns its exit code and output (stdout and stderr together).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $launcher = Get-PwshLauncher
    $full = "Import-Module '$script:ModulePath'; $Script"
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $output = & $launcher.File @($launcher.Prefix) -NoProfile -NonInteractive -Command $full 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Start-ChildPwsh {
    <#
        Starts a script in a separate pwsh process (from a file, so no argument quoting can change it) and returns
        the Process. Standard output and error go to files beside the script.
    #>
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [string] $Name)
    $file = Join-Path $Folder "$Name.ps1"
    Set-Content -Path $file -Value "Import-Module '$script:ModulePath'`n$Script"
    $launcher = Get-PwshLauncher
    Start-Process -FilePath $launcher.File -PassThru -NoNewWindow `
        -RedirectStandardOutput (Join-Path $Folder "$Name.out.txt") -RedirectStandardError (Join-Path $Folder "$Name.err.txt") `
        -ArgumentList (@($launcher.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $file))
}

function New-TestFolder {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("muxly-test-" + [guid]::NewGuid().ToString('N').Substring(0, 12))
    New-Item -ItemType Directory -Path $path | Out-Null
    $path
}

function Remove-TestFolder([string] $Path) {
    if ($Path -and (Test-Path $Path)) {
        # Read-only files made by a test must not stop the clean-up.
        Get-ChildItem $Path -Recurse -File | ForEach-Object { $_.Attributes = 'Normal' }
        Remove-Item $Path -Recurse -Force
    }
}

function Invoke-Sql {
    # Direct SQL for checks the cmdlets do not expose; the module's own Microsoft.Data.Sqlite is used.
    param([Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Sql, [switch] $Scalar)
    if (-not ('Microsoft.Data.Sqlite.SqliteConnection' -as [type])) {
        Add-Type -Path (Join-Path (Split-Path $script:ModulePath) 'Microsoft.Data.Sqlite.dll')
    }
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Database;Pooling=False;Foreign Keys=True")
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        if ($Scalar) { return $command.ExecuteScalar() }
        $reader = $command.ExecuteReader()
        $rows = while ($reader.Read()) {
            $row = [ordered]@{}
            for ($i = 0; $i -lt $reader.FieldCount; $i++) { $row[$reader.GetName($i)] = if ($reader.IsDBNull($i)) { $null } else { $reader.GetValue($i) } }
            [pscustomobject]$row
        }
        $reader.Dispose()
        $rows
    }
    finally {
        $connection.Dispose()
    }
}

function Get-FileHashText([string] $Path) { (Get-FileHash $Path -Algorithm SHA256).Hash }
