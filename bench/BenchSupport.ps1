# What the bench scripts share; dot-source it: . (Join-Path $PSScriptRoot '../BenchSupport.ps1')

# The pwsh running this script (the pinned dotnet tool), and the arguments that start a fresh one like it (under
# 'dotnet pwsh' the process is dotnet, which needs pwsh.dll first).
$toolPwshPath = [Environment]::ProcessPath
$toolPwshArguments = @(if ((Split-Path $toolPwshPath -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) + @('-NoProfile', '-NonInteractive')
# The pwsh every benchmark starts: the same pwsh precompiled, as PowerShell's installers ship it, when
# Invoke-Benchmarks.ps1 made one ($env:MUXLY_BENCH_PWSH, its pwsh.dll); else the tool itself.
if ($env:MUXLY_BENCH_PWSH) {
    $pwshPath = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
    $pwshArguments = @($env:MUXLY_BENCH_PWSH, '-NoProfile', '-NonInteractive')
}
else {
    $pwshPath = $toolPwshPath
    $pwshArguments = $toolPwshArguments
}

function Get-Stat {
    # Median, min and max of a figure over several runs (null when there are none).
    param([double[]] $Values)
    if (-not $Values) { return $null }
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    $median = if ($n % 2) { $sorted[[int][math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
    [ordered]@{ median = $median; min = $sorted[0]; max = $sorted[-1]; n = $n }
}
