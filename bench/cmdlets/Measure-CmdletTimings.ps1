<#
.SYNOPSIS
    The cmdlet timings of build.ps1 Bench: Import-Module over a bare pwsh start, Get-MuxlyConnector -Name against
    databases of 10 and 10,000 connectors, and New-MuxlySetting 1,000 times in a loop. Returns one row per figure.
.DESCRIPTION
    Each figure is measured in fresh pwsh processes (-NoProfile), like a scheduled task or a setup script would run.
    Start-up: the whole process, timed from outside, with and without Import-Module; Import-Module itself is also
    timed inside the process. Get-MuxlyConnector: 200 calls after one warm-up call, each timed. New-MuxlySetting: the
    whole loop on a fresh database, once per run.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkDir,
    [int] $Runs = 5,
    [int[]] $ConnectorCounts = @(10, 10000)
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
New-Item $WorkDir -ItemType Directory -Force | Out-Null
. (Join-Path $PSScriptRoot '../BenchSupport.ps1')

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh; returns its wall-clock seconds and the last line it wrote.
    param([string] $Script)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $pwshPath @pwshArguments -Command $Script
    $clock.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed (exit code $LASTEXITCODE): $($output -join "`n")" }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Output = $output | Select-Object -Last 1 }
}

function New-Row {
    param([string] $Area, [string] $Name, [string] $Unit, $Stat, [string] $Note)
    [ordered]@{ area = $Area; name = $Name; unit = $Unit; stat = $Stat; note = $Note }
}

$rows = [System.Collections.Generic.List[object]]::new()

# Start-up, interleaved so that both see the same machine.
$bare = @(); $imported = @(); $importInside = @()
for ($k = 0; $k -lt $Runs; $k++) {
    $bare += (Invoke-Pwsh 'exit 0').Seconds
    $run = Invoke-Pwsh "`$c = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$c.Elapsed.TotalMilliseconds"
    $imported += $run.Seconds
    $importInside += [double]$run.Output
}
$bareStat = Get-Stat ($bare | ForEach-Object { $_ * 1000 })
$importedStat = Get-Stat ($imported | ForEach-Object { $_ * 1000 })
$rows.Add((New-Row 'start-up' 'pwsh -NoProfile, bare start' 'ms' $bareStat 'the whole process, from outside'))
$rows.Add((New-Row 'start-up' 'pwsh -NoProfile with Import-Module Muxly' 'ms' $importedStat 'the whole process, from outside'))
$rows.Add((New-Row 'start-up' 'Import-Module Muxly, inside the process' 'ms' (Get-Stat $importInside) 'timed around Import-Module in a fresh pwsh'))
$rows.Add((New-Row 'start-up' 'Import-Module over a bare start' 'ms' ([ordered]@{ median = $importedStat.median - $bareStat.median; min = $null; max = $null; n = $Runs }) 'difference of the two medians above'))

# Get-MuxlyConnector -Name against databases of 10 and 10,000 connectors.
foreach ($count in $ConnectorCounts) {
    $database = Join-Path $WorkDir "connectors-$count.db"
    Remove-Item "$database*" -ErrorAction SilentlyContinue
    $target = 'bench-{0:D5}' -f [int][math]::Ceiling($count / 2)
    $script = @"
        `$ErrorActionPreference = 'Stop'
        Import-Module '$ModulePath'
        Connect-MuxlyDatabase -Path '$database'
        for (`$i = 1; `$i -le $count; `$i++) {
            New-MuxlyConnector -Name ('bench-{0:D5}' -f `$i) -ConnectorType api -ConnectionSettings @{ url = "https://shop.example.com/api/orders/`$i" } | Out-Null
        }
        'created'
"@
    $created = Invoke-Pwsh $script
    $rows.Add((New-Row 'setup' "New-MuxlyConnector x $($count.ToString('N0', [cultureinfo]::InvariantCulture)) (to build the database)" 's' ([ordered]@{ median = $created.Seconds; min = $null; max = $null; n = 1 }) 'one process, one run; not a goal'))
    $samples = @()
    for ($k = 0; $k -lt [math]::Max(1, [math]::Floor($Runs / 2)); $k++) {
        $script = @"
            `$ErrorActionPreference = 'Stop'
            Import-Module '$ModulePath'
            Connect-MuxlyDatabase -Path '$database'
            Get-MuxlyConnector -Name '$target' | Out-Null
            `$times = foreach (`$i in 1..200) {
                `$c = [Diagnostics.Stopwatch]::StartNew(); Get-MuxlyConnector -Name '$target' | Out-Null; `$c.Elapsed.TotalMilliseconds
            }
            `$times -join ','
"@
        $samples += @((Invoke-Pwsh $script).Output -split ',' | ForEach-Object { [double]$_ })
    }
    $rows.Add((New-Row 'cmdlets' "Get-MuxlyConnector -Name (database of $($count.ToString('N0', [cultureinfo]::InvariantCulture)) connectors)" 'ms per call' (Get-Stat $samples) 'one name, 200 calls per process after a warm-up call'))
    Remove-Item "$database*" -ErrorAction SilentlyContinue
}

# New-MuxlySetting 1,000 times on a fresh database.
$loops = @()
for ($k = 0; $k -lt $Runs; $k++) {
    $database = Join-Path $WorkDir 'settings.db'
    Remove-Item "$database*" -ErrorAction SilentlyContinue
    $script = @"
        `$ErrorActionPreference = 'Stop'
        Import-Module '$ModulePath'
        Connect-MuxlyDatabase -Path '$database'
        Get-MuxlySetting | Out-Null
        `$c = [Diagnostics.Stopwatch]::StartNew()
        for (`$i = 1; `$i -le 1000; `$i++) { New-MuxlySetting -Key "bench.key`$i" -Value `$i | Out-Null }
        `$c.Elapsed.TotalSeconds
"@
    $loops += [double](Invoke-Pwsh $script).Output
}
Remove-Item (Join-Path $WorkDir 'settings.db*') -ErrorAction SilentlyContinue
$rows.Add((New-Row 'cmdlets' 'New-MuxlySetting x 1,000 in a loop' 's' (Get-Stat $loops) 'fresh database each run; the database opened before the loop'))

$rows
