@{
    RootModule           = 'Muxly.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0d4c3e-8a51-4f2b-9a4e-6b1c2d7e9f30'
    Author               = 'Muxly'
    CompanyName          = 'Muxly'
    Copyright            = '(c) Muxly. All rights reserved.'
    Description          = 'Pull records from connectors, route them through rules to destinations, and run it all as scheduled, retried, webhook-triggered jobs, with configuration and history in one SQLite file.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Muxly.Format.ps1xml')
    TypesToProcess       = @('Muxly.Types.ps1xml')
    CmdletsToExport      = @(
        'Connect-MuxlyDatabase'
        'Get-MuxlyDatabase'
        'Update-MuxlyDatabase'
        'Backup-MuxlyDatabase'
        'Get-MuxlyConnector'
        'New-MuxlyConnector'
        'Set-MuxlyConnector'
        'Remove-MuxlyConnector'
        'Enable-MuxlyConnector'
        'Disable-MuxlyConnector'
        'Get-MuxlySetting'
        'New-MuxlySetting'
        'Set-MuxlySetting'
        'Remove-MuxlySetting'
        'Get-MuxlyDestination'
        'New-MuxlyDestination'
        'Set-MuxlyDestination'
        'Remove-MuxlyDestination'
        'Enable-MuxlyDestination'
        'Disable-MuxlyDestination'
        'Get-MuxlyRule'
        'New-MuxlyRule'
        'Set-MuxlyRule'
        'Remove-MuxlyRule'
        'Enable-MuxlyRule'
        'Disable-MuxlyRule'
        'Get-MuxlyTransformation'
        'Add-MuxlyTransformation'
        'Set-MuxlyTransformation'
        'Remove-MuxlyTransformation'
        'Get-MuxlyRoute'
        'New-MuxlyRoute'
        'Set-MuxlyRoute'
        'Remove-MuxlyRoute'
        'Enable-MuxlyRoute'
        'Disable-MuxlyRoute'
        'Invoke-MuxlyRoute'
        'Send-MuxlyData'
        'Invoke-MuxlyConnector'
        'Test-MuxlyConnector'
        'Test-MuxlyDestination'
        'Test-MuxlyCondition'
        'Test-MuxlyRule'
        'Get-MuxlyScheduleOccurrence'
        'Start-MuxlyScheduler'
        'Invoke-MuxlyScheduler'
        'Stop-MuxlyScheduler'
        'Get-MuxlyScheduler'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('ETL', 'Routing', 'Scheduler', 'Webhook', 'SQLite', 'Linux', 'Windows', 'MacOS')
            ProjectUri = 'https://github.com/muxly/Muxly.PowerShell'
        }
    }
}
