BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Choosing the database' {
    BeforeEach { $script:Folder = New-TestFolder }
    AfterEach { Remove-TestFolder $Folder }

    It 'uses -Database over the session default, the session default over $env:MUXLY_DATABASE, and that over the per-user file' {
        $result = Invoke-ChildPwsh -Environment @{ MUXLY_DATABASE = "$Folder/env.db"; XDG_DATA_HOME = "$Folder/xdg"; HOME = $Folder } -Script @"
            (Get-MuxlyDatabase -ErrorAction SilentlyContinue -ErrorVariable e).Path
            New-MuxlyConnector -Name from-env -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            'ENV:' + (Get-MuxlyDatabase).Path + ':' + (Get-MuxlyDatabase).Source
            Connect-MuxlyDatabase -Path '$Folder/session.db'
            New-MuxlyConnector -Name from-session -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            'SESSION:' + (Get-MuxlyDatabase).Path + ':' + (Get-MuxlyDatabase).Source
            New-MuxlyConnector -Database '$Folder/param.db' -Name from-param -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            'PARAM:' + (Get-MuxlyConnector -Database '$Folder/param.db').Name
"@
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match "ENV:$([regex]::Escape("$Folder/env.db")):Environment"
        $result.Output | Should -Match "SESSION:$([regex]::Escape("$Folder/session.db")):Session"
        $result.Output | Should -Match 'PARAM:from-param'
        Test-Path "$Folder/env.db" | Should -BeTrue

        $default = Invoke-ChildPwsh -Environment @{ MUXLY_DATABASE = $null; XDG_DATA_HOME = "$Folder/xdg" } -Script "New-MuxlyConnector -Name d -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null; (Get-MuxlyDatabase).Path"
        $default.ExitCode | Should -Be 0 -Because $default.Output
        $default.Output | Should -Be "$Folder/xdg/muxly/muxly.db"
    }

    It 'resolves relative paths against the current PowerShell location' {
        Push-Location $Folder
        try {
            Connect-MuxlyDatabase -Path 'relative.db'
            (Get-MuxlyDatabase).Path | Should -Be (Join-Path $Folder 'relative.db')
        }
        finally { Pop-Location }
    }

    It 'reports path, schema version, pending migrations and size' {
        $info = Connect-MuxlyDatabase -Path "$Folder/info.db" -PassThru
        $info.PSObject.TypeNames[0] | Should -Be 'Muxly.DatabaseInfo'
        $info.SchemaVersion | Should -Be $info.LatestVersion
        $info.SchemaVersion | Should -BeGreaterOrEqual 2
        $info.PendingMigrations | Should -BeNullOrEmpty
        $info.SizeBytes | Should -BeGreaterThan 0
    }
}

Describe 'The schema' {
    BeforeAll {
        $script:Folder = New-TestFolder
        $script:Db = "$Folder/schema.db"
        Connect-MuxlyDatabase -Path $Db
    }
    AfterAll { Remove-TestFolder $Folder }

    It 'has the nine seed tables' {
        $tables = (Invoke-Sql -Database $Db -Sql "SELECT name FROM sqlite_master WHERE type = 'table'").name
        foreach ($table in 'connectors', 'settings', 'destinations', 'routing_rules', 'rule_transformations', 'routes', 'scheduler_jobs', 'job_executions', 'webhook_triggers') {
            $tables | Should -Contain $table
        }
    }

    It 'enforces foreign keys on every connection' {
        { Invoke-Sql -Database $Db -Sql "INSERT INTO routes (id, name, connector_id) VALUES ('r', 'r', 'no-such-connector')" } | Should -Throw '*FOREIGN KEY*'
    }

    It 'uses WAL' {
        Invoke-Sql -Database $Db -Sql 'PRAGMA journal_mode' -Scalar | Should -Be 'wal'
    }
}

Describe 'Migrations' {
    BeforeEach { $script:Folder = New-TestFolder }
    AfterEach { Remove-TestFolder $Folder }

    It 'lists pending migrations under -WhatIf without applying them, and applies them with Update-MuxlyDatabase' {
        $db = "$Folder/old.db"
        # A database at schema version 1, as the first release left it.
        Connect-MuxlyDatabase -Path "$Folder/scratch.db"
        $seed = Get-Content (Join-Path $RepositoryRoot 'migrations/0001_seed_schema.sql') -Raw
        $checksum = Invoke-Sql -Database "$Folder/scratch.db" -Sql 'SELECT checksum FROM schema_migrations WHERE version = 1' -Scalar
        Invoke-Sql -Database $db -Sql "$seed
            CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
            INSERT INTO schema_migrations (version, name, checksum) VALUES (1, 'seed_schema', '$checksum');
            PRAGMA user_version = 1;" | Out-Null

        # Every migration after the seed is pending, whichever later ones the repository has by now.
        $later = @(Get-ChildItem (Join-Path $RepositoryRoot 'migrations') -Filter '*.sql' | Where-Object Name -NotLike '0001_*' | Sort-Object Name | ForEach-Object BaseName)
        (Get-MuxlyDatabase -Database $db).PendingMigrations | Should -Be $later
        # What-if text goes to the host, so read it as a scheduled task's log would.
        $whatIf = Invoke-ChildPwsh -Script "Update-MuxlyDatabase -Database '$db' -WhatIf"
        $whatIf.Output | Should -Match 'What if: .*Apply migration 0002_names_links_indexes'
        Invoke-Sql -Database $db -Sql 'SELECT count(*) FROM schema_migrations' -Scalar | Should -Be 1

        $applied = Update-MuxlyDatabase -Database $db
        $applied.Version | Should -Be @(2..(1 + $later.Count))
        $applied.Status | Sort-Object -Unique | Should -Be 'Applied'
        (Get-MuxlyDatabase -Database $db).PendingMigrations | Should -BeNullOrEmpty
        Update-MuxlyDatabase -Database $db | Should -BeNullOrEmpty
    }

    It 'refuses a database whose applied migration was edited, and leaves it untouched' {
        $db = "$Folder/edited.db"
        Connect-MuxlyDatabase -Path $db
        Invoke-Sql -Database $db -Sql "UPDATE schema_migrations SET checksum = 'deadbeefdeadbeefdeadbeef' WHERE version = 1" | Out-Null
        $before = Invoke-Sql -Database $db -Sql 'SELECT group_concat(version || checksum) FROM schema_migrations' -Scalar
        $result = Invoke-ChildPwsh -Script "Get-MuxlyConnector -Database '$db'"
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'Migration 0001_seed_schema was changed after it was applied'
        Invoke-Sql -Database $db -Sql 'SELECT group_concat(version || checksum) FROM schema_migrations' -Scalar | Should -Be $before
    }

    It 'refuses a database from a newer Muxly, and leaves it untouched' {
        $db = "$Folder/newer.db"
        Connect-MuxlyDatabase -Path $db
        Invoke-Sql -Database $db -Sql "INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'future', 'x'); PRAGMA user_version = 99;" | Out-Null
        $result = Invoke-ChildPwsh -Script "New-MuxlyConnector -Database '$db' -Name x -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' }"
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'schema version 99.*newer Muxly'
        Invoke-Sql -Database $db -Sql 'SELECT count(*) FROM connectors' -Scalar | Should -Be 0
    }
}

Describe 'Bad database paths' {
    BeforeEach { $script:Folder = New-TestFolder }
    AfterEach { Remove-TestFolder $Folder }

    It 'refuses a file that is not SQLite and leaves it as it was' {
        $file = "$Folder/notes.txt"
        Set-Content $file 'these are my notes, not a database'
        $hash = Get-FileHashText $file
        $failure = $null
        try { Get-MuxlyConnector -Database $file -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyDatabaseNotSqlite*'
        $failure.Exception.Message | Should -Match 'not a SQLite database'
        Get-FileHashText $file | Should -Be $hash
        Get-ChildItem $Folder | Should -HaveCount 1
    }

    It 'refuses a read-only database file' {
        $db = "$Folder/ro.db"
        New-MuxlyConnector -Database $db -Name x -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
        [IO.File]::SetUnixFileMode($db, 'UserRead, GroupRead, OtherRead')
        $failure = $null
        try { New-MuxlyConnector -Database $db -Name y -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyDatabaseReadOnly*'
        $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
        [IO.File]::SetUnixFileMode($db, 'UserRead, UserWrite')
        (Get-MuxlyConnector -Database $db).Name | Should -Be 'x'
    }

    It 'refuses a path whose folder cannot be created' {
        Set-Content "$Folder/plainfile" 'x'
        $failure = $null
        try { Get-MuxlyConnector -Database "$Folder/plainfile/sub/muxly.db" -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'MuxlyDatabaseFolderUnavailable*'
        $failure.Exception.Message | Should -Match 'Cannot create the folder'
    }

    It 'stops the whole command (exit code non-zero) from a scheduled-task style call' {
        Set-Content "$Folder/bad.db" 'garbage'
        $result = Invoke-ChildPwsh -Script "Get-MuxlyConnector -Database '$Folder/bad.db'"
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'not a SQLite database'
        $result.Output | Should -Not -Match 'SqliteException'
    }
}

Describe 'Backup-MuxlyDatabase' {
    BeforeEach { $script:Folder = New-TestFolder }
    AfterEach { Remove-TestFolder $Folder }

    It 'writes a consistent copy while another process keeps writing' {
        $db = "$Folder/live.db"
        New-MuxlyConnector -Database $db -Name seed -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
        $writer = Start-ChildPwsh -Folder $Folder -Name writer -Script "1..150 | ForEach-Object { New-MuxlyConnector -Database '$db' -Name ('w' + `$_) -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null }"
        try {
            Start-Sleep -Milliseconds 1500
            $backup = Backup-MuxlyDatabase -Database $db -Destination "$Folder/copy.db"
            $backup | Should -BeOfType [IO.FileInfo]
            Invoke-Sql -Database "$Folder/copy.db" -Sql 'PRAGMA integrity_check' -Scalar | Should -Be 'ok'
            $count = Invoke-Sql -Database "$Folder/copy.db" -Sql 'SELECT count(*) FROM connectors' -Scalar
            $count | Should -BeGreaterOrEqual 1
            (Get-MuxlyDatabase -Database "$Folder/copy.db").SchemaVersion | Should -Be (Get-MuxlyDatabase -Database $db).SchemaVersion
        }
        finally {
            $writer.WaitForExit(60000) | Out-Null
        }
        $writer.ExitCode | Should -Be 0
    }

    It 'refuses to overwrite an existing file unless -Force' {
        $db = "$Folder/a.db"
        New-MuxlyConnector -Database $db -Name x -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
        Set-Content "$Folder/exists.db" 'old'
        Backup-MuxlyDatabase -Database $db -Destination "$Folder/exists.db" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyBackupDestinationExists*'
        Get-Content "$Folder/exists.db" | Should -Be 'old'
        Backup-MuxlyDatabase -Database $db -Destination "$Folder/exists.db" -Force | Out-Null
        (Get-MuxlyConnector -Database "$Folder/exists.db").Name | Should -Be 'x'
    }
}
