<#
.SYNOPSIS
    Turns docs/cmdlets/*.md into the module's MAML help (Muxly.dll-Help.xml), as platyPS would.

.DESCRIPTION
    The markdown holds the prose: SYNOPSIS, DESCRIPTION, EXAMPLES (### titles, a ```powershell block, remarks),
    PARAMETERS (### -Name, a description), INPUTS, OUTPUTS, NOTES, RELATED LINKS. Everything that the code already
    knows (parameter sets, types, positions, pipeline input, wildcards, aliases) is read from the built cmdlets in a
    child pwsh, so the help cannot drift from the code. A parameter with no description, or a cmdlet with no
    synopsis, description or example, fails the build.
#>

function ConvertTo-MamlHelp {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $MarkdownFolder,
        [Parameter(Mandatory)] [string] $OutputPath
    )

    $moduleManifest = Join-Path (Split-Path (Split-Path $OutputPath)) 'Muxly.psd1'
    $metadata = Get-CmdletMetadata -ModuleManifest $moduleManifest
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
    $problems = [System.Collections.Generic.List[string]]::new()
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($command in $metadata) {
            $file = Join-Path $MarkdownFolder "$($command.Name).md"
            if (-not (Test-Path $file)) { $problems.Add("$($command.Name): no $file"); continue }
            $doc = Read-CmdletMarkdown -Path $file
            foreach ($section in 'SYNOPSIS', 'DESCRIPTION') {
                if (-not $doc[$section]) { $problems.Add("$($command.Name): the $section section is empty") }
            }
            if (-not $doc.Examples.Count) { $problems.Add("$($command.Name): no example") }
            foreach ($parameter in $command.Parameters) {
                if (-not (Get-ParameterDescription $doc $parameter.Name)) { $problems.Add("$($command.Name): -$($parameter.Name) has no description") }
            }
            foreach ($name in $doc.Parameters.Keys | Where-Object { $_ -notin $command.Parameters.Name }) {
                $problems.Add("$($command.Name): the page describes -$name, which the cmdlet does not have")
            }
            Write-CommandHelp -Writer $writer -Command $command -Doc $doc
        }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }
    if ($problems.Count) { throw "The cmdlet help is incomplete:`n  " + ($problems -join "`n  ") }
}

# Descriptions shared by every cmdlet that has these parameters, unless its page says otherwise.
$script:CommonParameterText = @{
    Database = 'The SQLite database file to use. Without it: the session default set by Connect-MuxlyDatabase, else $env:MUXLY_DATABASE, else muxly.db in the per-user data folder (~/.local/share/muxly on Linux, %LOCALAPPDATA%\Muxly on Windows, ~/Library/Application Support/Muxly on macOS).'
    WhatIf   = 'Shows what would happen if the cmdlet runs. Nothing is changed.'
    Confirm  = 'Prompts you for confirmation before running the cmdlet.'
}

function Get-ParameterDescription($Doc, [string] $Name) {
    if ($Doc.Parameters.Contains($Name)) { return $Doc.Parameters[$Name] }
    $script:CommonParameterText[$Name]
}

function Get-CmdletMetadata([string] $ModuleManifest) {
    # A child process: a binary module loaded here could not be rebuilt afterwards.
    $script = {
        param($manifest)
        # -WhatIf and -Confirm are documented like any other parameter (as platyPS does); UseTransaction is obsolete.
        $common = @([System.Management.Automation.Cmdlet]::CommonParameters) + 'UseTransaction'
        # A [bool?] parameter reads as Boolean, not Nullable`1.
        $typeOf = { param([type] $t) $u = [Nullable]::GetUnderlyingType($t); if ($u) { $u } else { $t } }
        Import-Module $manifest
        foreach ($command in Get-Command -Module Muxly -CommandType Cmdlet | Sort-Object Name) {
            $parameters = foreach ($p in $command.Parameters.Values | Where-Object Name -NotIn $common) {
                $attributes = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
                $byValue = @($attributes | Where-Object ValueFromPipeline).Count -gt 0
                $byName = @($attributes | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
                [pscustomobject]@{
                    Name      = $p.Name
                    Type      = (& $typeOf $p.ParameterType).Name
                    FullType  = (& $typeOf $p.ParameterType).FullName
                    IsSwitch  = $p.SwitchParameter
                    Aliases   = ($p.Aliases -join ', ')
                    Globbing  = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
                    Pipeline  = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
                    Required  = @($attributes | Where-Object Mandatory).Count -gt 0 -and @($attributes | Where-Object { -not $_.Mandatory }).Count -eq 0
                    Position  = if (($attributes | Where-Object Position -GE 0)) { [string]($attributes | Where-Object Position -GE 0 | Select-Object -First 1).Position } else { 'named' }
                }
            }
            $sets = foreach ($set in $command.ParameterSets) {
                [pscustomobject]@{
                    Name       = $set.Name
                    # As Get-Command -Syntax orders them: positional by position, then mandatory, then the rest.
                    Parameters = @(foreach ($p in $set.Parameters | Where-Object Name -NotIn $common |
                            Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory } -Stable) {
                            [pscustomobject]@{
                                Name     = $p.Name
                                Type     = (& $typeOf $p.ParameterType).Name
                                IsSwitch = $p.ParameterType -eq [switch]
                                Required = $p.IsMandatory
                                Position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
                                Pipeline = if ($p.ValueFromPipeline -and $p.ValueFromPipelineByPropertyName) { 'True (ByValue, ByPropertyName)' } elseif ($p.ValueFromPipeline) { 'True (ByValue)' } elseif ($p.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' } else { 'False' }
                            }
                        })
                }
            }
            [pscustomobject]@{
                Name       = $command.Name
                Verb       = $command.Verb
                Noun       = $command.Noun
                Parameters = @($parameters)
                Sets       = @($sets)
                Outputs    = @($command.OutputType | ForEach-Object Name)
            }
        }
    }
    # Under 'dotnet pwsh' this process is dotnet itself, which must be given pwsh.dll before pwsh's own arguments.
    $pwsh = [Environment]::ProcessPath
    $pwshArguments = @(if ((Split-Path $pwsh -LeafBase) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $json = & $pwsh @pwshArguments -NoProfile -NonInteractive -Command "& { $script } '$ModuleManifest' | ConvertTo-Json -Depth 8 -Compress"
    if ($LASTEXITCODE -ne 0) { throw "Reading cmdlet metadata from $ModuleManifest failed." }
    @($json | ConvertFrom-Json)
}

function Read-CmdletMarkdown([string] $Path) {
    $doc = @{ Examples = [System.Collections.Generic.List[object]]::new(); Parameters = [ordered]@{}; Inputs = [ordered]@{}; Outputs = [ordered]@{}; Links = [System.Collections.Generic.List[object]]::new() }
    $section = $null; $sub = $null; $buffer = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    $flush = {
        $text = ($buffer -join "`n").Trim()
        switch ($section) {
            'EXAMPLES' { if ($sub) { $doc.Examples.Add((Split-Example $sub $text)) } }
            'PARAMETERS' { if ($sub) { $doc.Parameters[$sub.TrimStart('-')] = $text } }
            'INPUTS' { if ($sub) { $doc.Inputs[$sub] = $text } }
            'OUTPUTS' { if ($sub) { $doc.Outputs[$sub] = $text } }
            'RELATED LINKS' {
                foreach ($m in [regex]::Matches($text, '\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)')) {
                    $doc.Links.Add([pscustomobject]@{ Text = $m.Groups['text'].Value; Uri = $m.Groups['uri'].Value })
                }
            }
            default { if ($section -and -not $sub) { $doc[$section] = $text } }
        }
        $buffer.Clear()
    }
    foreach ($line in Get-Content $Path) {
        if ($line -match '^```') { $inCode = -not $inCode; $buffer.Add($line); continue }
        if (-not $inCode -and $line -match '^## (.+)$') { & $flush; $section = $Matches[1].Trim().ToUpperInvariant(); $sub = $null; continue }
        if (-not $inCode -and $line -match '^### (.+)$') { & $flush; $sub = $Matches[1].Trim(); continue }
        if (-not $inCode -and $line -match '^# ') { continue }
        $buffer.Add($line)
    }
    & $flush
    $doc
}

function Split-Example([string] $Title, [string] $Text) {
    $match = [regex]::Match($Text, '```(?:powershell|ps1)?\s*\n(?<code>.*?)\n```', 'Singleline')
    [pscustomobject]@{
        Title   = $Title
        Code    = if ($match.Success) { $match.Groups['code'].Value.TrimEnd() } else { '' }
        Remarks = if ($match.Success) { $Text.Remove($match.Index, $match.Length).Trim() } else { $Text }
    }
}

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    # A paragraph's lines are joined into one, except that each list item ('- ', '* ', '1. ') starts its own.
    $paragraphs = @(($Text -replace '\r', '') -split '\n\s*\n' |
            ForEach-Object { $_ -split '\n(?=\s*(?:[-*]|\d+\.)\s)' } |
            ForEach-Object { ($_ -replace '\s*\n\s*', ' ').Trim() } |
            Where-Object { $_ })
    if (-not $paragraphs.Count) { $paragraphs = @('') }
    foreach ($paragraph in $paragraphs) {
        # Markdown emphasis and code ticks read as noise in a console; a literal mask (********) is not emphasis.
        $Writer.WriteElementString('para', $maml, ($paragraph -replace '`', '' -replace '\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*', '$1'))
    }
}

function Write-Description([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $Writer.WriteStartElement('maml', 'description', 'http://schemas.microsoft.com/maml/2004/10')
    Write-Paragraphs $Writer $Text
    $Writer.WriteEndElement()
}

function Write-TypeBlock([System.Xml.XmlWriter] $Writer, [string] $Element, [string] $TypeName, [string] $Text) {
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $Writer.WriteStartElement('command', $Element, $command)
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('name', $maml, $TypeName)
    $Writer.WriteEndElement()
    Write-Description $Writer $Text
    $Writer.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Parameter, [string] $Description, $Full) {
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $Writer.WriteStartElement('command', 'parameter', $command)
    $Writer.WriteAttributeString('required', "$($Parameter.Required)".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', "$($Parameter.Type.EndsWith('[]'))".ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', "$([bool]$Full.Globbing)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Parameter.Pipeline)
    $Writer.WriteAttributeString('position', $Parameter.Position)
    $Writer.WriteAttributeString('aliases', $(if ($Full.Aliases) { $Full.Aliases } else { 'none' }))
    $Writer.WriteElementString('name', $maml, $Parameter.Name)
    Write-Description $Writer $Description
    if (-not $Parameter.IsSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $command)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Parameter.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('name', $maml, $(if ($Full.FullType) { $Full.FullType } else { $Parameter.Type }))
    $Writer.WriteEndElement()
    $Writer.WriteElementString('defaultValue', $dev, $(if ($Parameter.IsSwitch) { 'False' } else { 'None' }))
    $Writer.WriteEndElement()
}

function Write-CommandHelp([System.Xml.XmlWriter] $Writer, $Command, $Doc) {
    $commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $Writer.WriteStartElement('command', 'command', $commandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $Writer.WriteStartElement('command', 'details', $commandNs)
    $Writer.WriteElementString('name', $commandNs, $Command.Name)
    Write-Description $Writer $Doc['SYNOPSIS']
    $Writer.WriteElementString('verb', $commandNs, $Command.Verb)
    $Writer.WriteElementString('noun', $commandNs, $Command.Noun)
    $Writer.WriteEndElement()

    Write-Description $Writer $Doc['DESCRIPTION']

    $byName = @{}
    foreach ($p in $Command.Parameters) { $byName[$p.Name] = $p }

    $Writer.WriteStartElement('command', 'syntax', $commandNs)
    foreach ($set in $Command.Sets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $commandNs)
        $Writer.WriteElementString('name', $maml, $Command.Name)
        foreach ($p in $set.Parameters) { Write-Parameter $Writer $p (Get-ParameterDescription $Doc $p.Name) $byName[$p.Name] }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # In the order the page describes them; parameters it leaves to the shared text (-Database, -WhatIf, ...) follow.
    $documented = @($Doc.Parameters.Keys)
    $ordered = @($Command.Parameters | Sort-Object { $i = $documented.IndexOf($_.Name); if ($i -ge 0) { $i } else { [int]::MaxValue } } -Stable)
    $Writer.WriteStartElement('command', 'parameters', $commandNs)
    foreach ($p in $ordered) { Write-Parameter $Writer $p (Get-ParameterDescription $Doc $p.Name) $p }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'inputTypes', $commandNs)
    foreach ($entry in $Doc.Inputs.GetEnumerator()) { Write-TypeBlock $Writer 'inputType' $entry.Key $entry.Value }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'returnValues', $commandNs)
    $outputs = if ($Doc.Outputs.Count) { $Doc.Outputs } else { $o = [ordered]@{}; foreach ($name in $Command.Outputs) { $o[$name] = '' }; $o }
    foreach ($entry in $outputs.GetEnumerator()) { Write-TypeBlock $Writer 'returnValue' $entry.Key $entry.Value }
    $Writer.WriteEndElement()

    if ($Doc['NOTES']) {
        $Writer.WriteStartElement('maml', 'alertSet', $maml)
        $Writer.WriteStartElement('maml', 'alert', $maml)
        Write-Paragraphs $Writer $Doc['NOTES']
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $commandNs)
    foreach ($example in $Doc.Examples) {
        $Writer.WriteStartElement('command', 'example', $commandNs)
        $Writer.WriteElementString('title', $maml, "--------- $($example.Title) ---------")
        $Writer.WriteElementString('code', $dev, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $dev)
        Write-Paragraphs $Writer $example.Remarks
        # An empty closing paragraph: without it Get-Help runs one example's remarks into the next title.
        $Writer.WriteElementString('para', 'http://schemas.microsoft.com/maml/2004/10', '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $commandNs)
    foreach ($link in $Doc.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $maml)
        $Writer.WriteElementString('linkText', $maml, $link.Text)
        $Writer.WriteElementString('uri', $maml, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}
