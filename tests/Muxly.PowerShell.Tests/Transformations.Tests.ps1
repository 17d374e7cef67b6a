BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ModulePath
}

Describe 'Transformation cmdlets' {
    BeforeAll {
        # remove_field transformations, told apart by their field.
        function Add-Steps([string] $Rule, [string[]] $Fields) {
            foreach ($field in $Fields) { Add-MuxlyTransformation -Rule $Rule -TransformationType remove_field -Config @{ field = $field } }
        }
        function Get-Fields([string] $Rule) { Get-MuxlyTransformation -Rule $Rule | ForEach-Object { ($_.Config | ConvertFrom-Json).field } }
    }
    BeforeEach {
        $script:Folder = New-TestFolder
        $script:Db = Join-Path $Folder 'muxly.db'
        $PSDefaultParameterValues = @{ '*-Muxly*:Database' = $Db }
        'r1', 'r2' | ForEach-Object { New-MuxlyRule -Name $_ } | Out-Null
    }
    AfterEach {
        $PSDefaultParameterValues = @{}
        Remove-TestFolder $Folder
    }

    Context 'adding and reading' {
        It 'adds typed transformations numbered 1..n, and inserts at -Position' {
            $added = Add-MuxlyTransformation -Rule r1 -TransformationType rename_field -Config @{ from = 'amt'; to = 'amount' }
            $added.PSObject.TypeNames[0] | Should -Be 'Muxly.Transformation'
            $added.RuleName | Should -Be 'r1'
            $added.SequenceOrder | Should -Be 1
            $added.TransformationType | Should -Be 'rename_field'
            Add-Steps r1 b | Out-Null
            (Add-MuxlyTransformation -Rule r1 -TransformationType remove_field -Config '{"field":"first"}' -Position 1).SequenceOrder | Should -Be 1
            $all = Get-MuxlyTransformation -Rule r1
            $all.SequenceOrder | Should -Be @(1, 2, 3)
            $all.TransformationType | Should -Be @('remove_field', 'rename_field', 'remove_field')
            (Get-MuxlyTransformation -Id $added.Id).SequenceOrder | Should -Be 2
            (Get-MuxlyRule r1).TransformationCount | Should -Be 3
        }

        It 'gets the transformations of every rule, of rules by wildcard, and of names piped in' {
            Add-Steps r1 a, b | Out-Null
            Add-Steps r2 c | Out-Null
            @(Get-MuxlyTransformation).Count | Should -Be 3
            (Get-MuxlyTransformation -Rule 'r*').RuleName | Should -Be @('r1', 'r1', 'r2')
            ('r2' | Get-MuxlyTransformation).RuleName | Should -Be 'r2'
        }

        It 'binds a piped rule by its Name, never taking the rule id for a transformation id' {
            Add-Steps r1 a, b | Out-Null
            Add-Steps r2 c | Out-Null
            $result = Get-MuxlyRule r2 | Get-MuxlyTransformation -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $result.RuleName | Should -Be 'r2'
            (Get-MuxlyRule | Get-MuxlyTransformation).RuleName | Should -Be @('r1', 'r1', 'r2')
        }

        It 'adds to a piped rule, and copies piped transformations to another rule' {
            Get-MuxlyRule r1 | Add-MuxlyTransformation -TransformationType set_field -Config @{ field = 'source'; value = 'shop' } | Out-Null
            Add-Steps r1 b | Out-Null
            Get-MuxlyTransformation -Rule r1 | Add-MuxlyTransformation -Rule r2 | Out-Null
            (Get-MuxlyTransformation -Rule r2).TransformationType | Should -Be @('set_field', 'remove_field')
            (Get-MuxlyTransformation -Rule r1).Count | Should -Be 2
        }

        It 'writes MuxlyRuleNotFound and MuxlyTransformationNotFound for what does not exist' {
            Get-MuxlyTransformation -Rule nope -ErrorVariable err1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err1[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyRuleNotFound*'
            Get-MuxlyTransformation -Id nope -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyTransformationNotFound*'
            $err2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Add-MuxlyTransformation -Rule nope -TransformationType remove_field -Config @{ field = 'a' } -ErrorVariable err3 -ErrorAction SilentlyContinue
            $err3[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyRuleNotFound*'
        }
    }

    Context 'changing, reordering and removing' {
        It 'moves a piped transformation to the front, keeping 1..n' {
            Add-Steps r1 a, b, c, d | Out-Null
            Get-MuxlyTransformation -Rule r1 | Where-Object { ($_.Config | ConvertFrom-Json).field -eq 'c' } | Set-MuxlyTransformation -Position 1
            Get-Fields r1 | Should -Be @('c', 'a', 'b', 'd')
            (Get-MuxlyTransformation -Rule r1).SequenceOrder | Should -Be @(1, 2, 3, 4)
            $moved = Get-MuxlyTransformation -Rule r1 | Select-Object -First 1 | Set-MuxlyTransformation -Position 99 -PassThru
            $moved.SequenceOrder | Should -Be 4
            Get-Fields r1 | Should -Be @('a', 'b', 'd', 'c')
        }

        It 'changes a config, writing only with -PassThru' {
            $t = Add-Steps r1 a
            Set-MuxlyTransformation -Id $t.Id -Config @{ field = 'z' } | Should -BeNullOrEmpty
            Get-Fields r1 | Should -Be 'z'
            ($t | Set-MuxlyTransformation -Config '{"field":"y"}' -PassThru).Config | Should -Be '{"field":"y"}'
        }

        It 'removes piped transformations and renumbers the rest' {
            Add-Steps r1 a, b, c | Out-Null
            Get-MuxlyTransformation -Rule r1 | Where-Object SequenceOrder -EQ 2 | Remove-MuxlyTransformation
            Get-Fields r1 | Should -Be @('a', 'c')
            (Get-MuxlyTransformation -Rule r1).SequenceOrder | Should -Be @(1, 2)
        }

        It 'changes nothing under -WhatIf' {
            $t = Add-Steps r1 a
            Add-MuxlyTransformation -Rule r1 -TransformationType remove_field -Config @{ field = 'b' } -WhatIf | Should -BeNullOrEmpty
            Set-MuxlyTransformation -Id $t.Id -Config @{ field = 'z' } -WhatIf
            Remove-MuxlyTransformation -Id $t.Id -WhatIf
            Get-Fields r1 | Should -Be 'a'
        }
    }

    Context 'bad input changes nothing' {
        BeforeEach {
            New-MuxlyConnector -Name customers -ConnectorType file -ConnectionSettings @{ path = '/data/in.jsonl' } | Out-Null
            $script:Existing = Add-Steps r1 a
        }

        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'an unknown type'; Type = 'teleport'; Config = @{}; ErrorId = 'MuxlyTransformationTypeUnknown'; Category = 'InvalidArgument' }
            @{ Case = 'a config missing a required key'; Type = 'rename_field'; Config = @{ from = 'a' }; ErrorId = 'MuxlyTransformationConfigInvalid'; Category = 'InvalidArgument' }
            @{ Case = 'a join on a connector that does not exist'; Type = 'join'; Config = @{ connector = 'ghost'; on = 'id' }; ErrorId = 'MuxlyTransformationConnectorNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'a config that is not a JSON object'; Type = 'remove_field'; Config = '"a"'; ErrorId = 'MuxlyConfigInvalid'; Category = 'InvalidArgument' }
        ) {
            $failure = $null
            try { Add-MuxlyTransformation -Rule r1 -TransformationType $Type -Config $Config -ErrorAction Stop } catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
            $failure.CategoryInfo.Category | Should -Be $Category
            $failure.Exception.Message | Should -Not -BeNullOrEmpty
            Get-Fields r1 | Should -Be 'a'
        }

        It 'accepts a join on a connector that exists' {
            (Add-MuxlyTransformation -Rule r1 -TransformationType join -Config @{ connector = 'customers'; on = 'id' }).SequenceOrder | Should -Be 2
        }

        It 'refuses a bad config in Set and keeps the stored one' {
            Set-MuxlyTransformation -Id $Existing.Id -Config @{ nope = 1 } -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MuxlyTransformationConfigInvalid*'
            Get-Fields r1 | Should -Be 'a'
        }
    }

    Context 'completion' {
        It 'completes transformation types and rule names' {
            $line = 'Add-MuxlyTransformation -Rule r1 -TransformationType rename'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'rename_field'
            $line = "Get-MuxlyTransformation -Database '$Db' -Rule r"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('r1', 'r2')
        }
    }
}
