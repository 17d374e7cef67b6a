# The end-to-end router workloads, each written once per runner. Dot-source it: it sets $RouterCondition and
# $RouterWorkloads. Adding a workload is adding one entry here (and a case in the C# limit loop, LimitLoop.cs).
#
# Every runner must produce the same records (compared canonically: key order, number spelling and Miller's
# flattening do not matter; see CanonicalRecords.cs). The generator (OrderGenerator.cs) gives every record the same
# keys: id, created_at, status, currency, customer {id, name, country}, items [{sku, qty, price}], amount, note.

$RouterCondition = "amount > 1000 AND customer.country == 'US'"

$RouterWorkloads = @(
    @{
        Name        = 'short'
        Title       = 'Filter, rename, set (JSONL)'
        Description = 'keep amount > 1000 AND customer.country == ''US''; rename amount to revenue; set category to ''high''; write JSONL'
        Format      = 'jsonl'
        Muxly       = @(
            @{ Type = 'rename_field'; Config = @{ from = 'amount'; to = 'revenue' } }
            @{ Type = 'set_field'; Config = @{ field = 'category'; value = 'high' } }
        )
        # Select-Object with calculated properties is the idiomatic rename; ConvertTo-Json runs per record because
        # given the whole pipeline it would write one JSON array, not JSONL. -DateKind String keeps the timestamps
        # as written (by default ConvertFrom-Json turns them into DateTime and writes them back in another form).
        PowerShell  = {
            param($InputPath, $OutputPath)
            Get-Content -LiteralPath $InputPath |
                ConvertFrom-Json -DateKind String |
                Where-Object { $_.amount -gt 1000 -and $_.customer.country -eq 'US' } |
                Select-Object -Property *, @{ Name = 'revenue'; Expression = { $_.amount } }, @{ Name = 'category'; Expression = { 'high' } } -ExcludeProperty amount |
                ForEach-Object { ConvertTo-Json -InputObject $_ -Compress -Depth 10 } |
                Set-Content -LiteralPath $OutputPath
        }
        Jq          = @('-c', 'select(.amount > 1000 and .customer.country == "US") | .revenue = .amount | del(.amount) | .category = "high"')
        # Miller 6 keeps JSON nesting from --ijsonl to --ojsonl (it flattens nested fields to customer.country keys
        # only for non-JSON output, as in the CSV workload). Nested fields are indexed explicitly, $customer["country"];
        # Miller 6.6 reads $customer.country the same way, but '.' is also its concatenation operator.
        Miller      = @('--ijsonl', '--ojsonl', 'filter', '$amount > 1000 && $customer["country"] == "US"',
            'then', 'rename', 'amount,revenue', 'then', 'put', '$category = "high"')
    }
    @{
        Name        = 'long'
        Title       = 'Six transformations (JSONL)'
        Description = 'the same filter; rename amount to revenue; set category; formula tax = revenue * 0.2; format_string label = ''{{customer.name}} ({{customer.country}})''; remove note; rename customer.id to customer_id; write JSONL'
        Format      = 'jsonl'
        Muxly       = @(
            @{ Type = 'rename_field'; Config = @{ from = 'amount'; to = 'revenue' } }
            @{ Type = 'set_field'; Config = @{ field = 'category'; value = 'high' } }
            @{ Type = 'formula'; Config = @{ expression = 'revenue * 0.2'; output = 'tax' } }
            @{ Type = 'format_string'; Config = @{ template = '{{customer.name}} ({{customer.country}})'; output = 'label' } }
            @{ Type = 'remove_field'; Config = @{ field = 'note' } }
            @{ Type = 'rename_field'; Config = @{ from = 'customer.id'; to = 'customer_id' } }
        )
        PowerShell  = {
            param($InputPath, $OutputPath)
            Get-Content -LiteralPath $InputPath |
                ConvertFrom-Json -DateKind String |
                Where-Object { $_.amount -gt 1000 -and $_.customer.country -eq 'US' } |
                Select-Object -Property *,
                    @{ Name = 'revenue'; Expression = { $_.amount } },
                    @{ Name = 'category'; Expression = { 'high' } },
                    @{ Name = 'tax'; Expression = { $_.amount * 0.2 } },
                    @{ Name = 'label'; Expression = { '{0} ({1})' -f $_.customer.name, $_.customer.country } },
                    @{ Name = 'customer_id'; Expression = { $_.customer.id } } -ExcludeProperty amount, note |
                ForEach-Object { $_.customer.PSObject.Properties.Remove('id'); ConvertTo-Json -InputObject $_ -Compress -Depth 10 } |
                Set-Content -LiteralPath $OutputPath
        }
        Jq          = @('-c', 'select(.amount > 1000 and .customer.country == "US") | .revenue = .amount | del(.amount) | .category = "high" | .tax = .revenue * 0.2 | .label = "\(.customer.name) (\(.customer.country))" | del(.note) | .customer_id = .customer.id | del(.customer.id)')
        Miller      = @('--ijsonl', '--ojsonl', 'filter', '$amount > 1000 && $customer["country"] == "US"',
            'then', 'rename', 'amount,revenue',
            'then', 'put', '$category = "high"; $tax = $revenue * 0.2; $label = $customer["name"] . " (" . $customer["country"] . ")"; unset $note; $customer_id = $customer["id"]; unset $customer["id"]')
    }
    @{
        Name        = 'csv'
        Title       = 'Filter, rename, set, flatten (CSV)'
        Description = 'the same filter; rename amount to revenue; set category; rename customer.id to customer_id and customer.country to country; remove items and customer; write CSV (flat rows, so that every tool writes one header)'
        Format      = 'csv'
        Muxly       = @(
            @{ Type = 'rename_field'; Config = @{ from = 'amount'; to = 'revenue' } }
            @{ Type = 'set_field'; Config = @{ field = 'category'; value = 'high' } }
            @{ Type = 'rename_field'; Config = @{ from = 'customer.id'; to = 'customer_id' } }
            @{ Type = 'rename_field'; Config = @{ from = 'customer.country'; to = 'country' } }
            @{ Type = 'remove_field'; Config = @{ fields = @('items', 'customer') } }
        )
        PowerShell  = {
            param($InputPath, $OutputPath)
            Get-Content -LiteralPath $InputPath |
                ConvertFrom-Json -DateKind String |
                Where-Object { $_.amount -gt 1000 -and $_.customer.country -eq 'US' } |
                Select-Object -Property *,
                    @{ Name = 'revenue'; Expression = { $_.amount } },
                    @{ Name = 'category'; Expression = { 'high' } },
                    @{ Name = 'customer_id'; Expression = { $_.customer.id } },
                    @{ Name = 'country'; Expression = { $_.customer.country } } -ExcludeProperty amount, items, customer |
                Export-Csv -LiteralPath $OutputPath -UseQuotes AsNeeded
        }
        # jq has no CSV header of its own: the columns are named once and written first.
        Jq          = @('-rn', '["id","created_at","status","currency","revenue","category","customer_id","country","note"] as $cols | ($cols | @csv), (inputs | select(.amount > 1000 and .customer.country == "US") | .revenue = .amount | .category = "high" | .customer_id = .customer.id | .country = .customer.country | [.[$cols[]]] | @csv)')
        Miller      = @('--ijsonl', '--ocsv', 'filter', '$amount > 1000 && $customer["country"] == "US"',
            'then', 'rename', 'amount,revenue',
            'then', 'put', '$category = "high"; $customer_id = $customer["id"]; $country = $customer["country"]; unset $items; unset $customer')
    }
)
