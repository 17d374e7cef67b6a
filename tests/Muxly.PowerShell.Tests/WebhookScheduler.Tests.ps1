BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath

    # Signed as the Standard Webhooks spec says, written here independently of Muxly's own signer.
    function New-SignedHeaders([string] $Secret, [string] $MessageId, [string] $Body, [long] $Timestamp) {
        $key = [Convert]::FromBase64String($Secret.Substring('whsec_'.Length))
        $hmac = [System.Security.Cryptography.HMACSHA256]::new($key)
        $signature = [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes("$MessageId.$Timestamp.$Body")))
        @{ 'webhook-id' = $MessageId; 'webhook-timestamp' = "$Timestamp"; 'webhook-signature' = "v1,$signature" }
    }

    function Send-Webhook([string] $Url, [hashtable] $Headers, [string] $Body) {
        Invoke-WebRequest -Uri $Url -Method Post -Body ([Text.Encoding]::UTF8.GetBytes($Body)) -ContentType 'application/json' `
            -Headers $Headers -SkipHttpErrorCheck -TimeoutSec 10
    }
}

Describe 'A scheduler hosting the webhook listener' {
    BeforeAll {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $script:Port = $probe.LocalEndpoint.Port; $probe.Stop()

        New-MuxlyConnector -Name pushes -ConnectorType webhook | Out-Null
        New-MuxlyDestination -Name deploys -DestinationType file -Config @{ path = "$Folder/deploys.jsonl" } | Out-Null
        New-MuxlyRule -Name main-only -Condition "ref == 'refs/heads/main'" -Destination deploys | Out-Null
        New-MuxlyRoute -Name pushes -Connector pushes -Rule main-only | Out-Null
        New-MuxlyJob -Name deploy -JobType webhook -Connector pushes -Route pushes -MaxRetries 0 | Out-Null
        $script:Secret = (Register-MuxlyWebhook -Job deploy -Path /hooks/deploy -Scheme StandardWebhooks).Secret
        $script:Url = "http://127.0.0.1:$Port/hooks/deploy"

        $script:Scheduler = Start-MuxlyScheduler -Name webhook-test -WebhookPrefix "http://127.0.0.1:$Port/" -GracePeriod 5
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            $log = ($Scheduler | Receive-Job -Keep) -join "`n"
        } until ($log -match 'listening on' -or [DateTime]::UtcNow -gt $deadline)
    }
    AfterAll {
        $Scheduler | Stop-Job
        $Scheduler | Remove-Job -Force
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    It 'listens on the prefix it was given' {
        ($Scheduler | Receive-Job -Keep) -join "`n" | Should -Match ([regex]::Escape("listening on http://127.0.0.1:$Port/"))
    }

    It 'runs the job once for a signed push and delivers the payload through the route' {
        $body = '{"ref":"refs/heads/main","after":"abc123","repository":{"full_name":"ops/site"},"pusher":{"name":"ada"}}'
        $response = Send-Webhook $Url (New-SignedHeaders $Secret 'msg_1' $body ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds())) $body
        $response.StatusCode | Should -Be 202
        $executionId = ($response.Content | ConvertFrom-Json).executionId
        $executionId | Should -Not -BeNullOrEmpty

        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            $execution = Get-MuxlyJobExecution -Id $executionId
        } until ($execution.Status -notin 'queued', 'running' -or [DateTime]::UtcNow -gt $deadline)
        $execution.Status | Should -Be 'succeeded'
        $execution.TriggeredBy | Should -Be 'webhook'
        $delivered = Get-Content "$Folder/deploys.jsonl" | ConvertFrom-Json
        $delivered.after | Should -Be 'abc123'
        $delivered.repository.full_name | Should -Be 'ops/site'
    }

    It 'refuses a tampered body, a stale timestamp and a replay, and starts nothing' {
        $before = @(Get-MuxlyJobExecution -Job deploy).Count
        $body = '{"ref":"refs/heads/main","after":"def456"}'
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()

        (Send-Webhook $Url (New-SignedHeaders $Secret 'msg_2' $body $now) $body.Replace('def456', 'evil00')).StatusCode | Should -Be 401
        (Send-Webhook $Url (New-SignedHeaders $Secret 'msg_3' $body ($now - 3600)) $body).StatusCode | Should -Be 401
        (Send-Webhook $Url (New-SignedHeaders $Secret 'msg_1' $body $now) $body).StatusCode | Should -Be 409
        (Send-Webhook "http://127.0.0.1:$Port/hooks/nothing-here" @{} $body).StatusCode | Should -Be 404

        @(Get-MuxlyJobExecution -Job deploy).Count | Should -Be $before
    }
}

Describe 'A scheduler that cannot have its webhook port' {
    It 'fails to start with a clear error, unless told to run without the listener' {
        $folder = New-TestFolder
        $blocker = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $blocker.Start()
        try {
            $db = Join-Path $folder 'muxly.db'
            New-MuxlyConnector -Database $db -Name pushes -ConnectorType webhook | Out-Null
            New-MuxlyJob -Database $db -Name deploy -JobType webhook -Connector pushes | Out-Null
            Register-MuxlyWebhook -Database $db -Job deploy -Path /hooks/deploy | Out-Null
            $port = $blocker.LocalEndpoint.Port

            $result = Invoke-ChildPwsh -Script "Invoke-MuxlyScheduler -Database '$db' -WebhookPrefix 'http://127.0.0.1:$port/'"
            $result.ExitCode | Should -Not -Be 0
            $result.Output | Should -Match 'cannot listen'

            $once = Invoke-ChildPwsh -Script "Invoke-MuxlyScheduler -Database '$db' -Once -WebhookPrefix 'http://127.0.0.1:$port/' | Out-Null"
            $once.ExitCode | Should -Be 0 -Because $once.Output
        }
        finally {
            $blocker.Stop()
            Remove-TestFolder $folder
        }
    }
}
