# What the bench scripts share; dot-source it: . (Join-Path $PSScriptRoot '../BenchSupport.ps1')

# The pwsh running this script, and the arguments that start a fresh one like it (under 'dotnet pwsh' the process is
# dotnet, which needs pwsh.dll first).
$pwshPath = [Environment]::ProcessPath
$pwshArguments = @(if ((Split-Path $pwshPath -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) + @('-NoProfile', '-NonInteractive')

function Get-Stat {
    # Median, min and max of a figure over several runs (null when there are none).
    param([double[]] $Values)
    if (-not $Values) { return $null }
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    $median = if ($n % 2) { $sorted[[int][math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
    [ordered]@{ median = $median; min = $sorted[0]; max = $sorted[-1]; n = $n }
}
