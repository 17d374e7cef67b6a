using System.Text.Json.Nodes;
using Muxly.Router.Conditions;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Router.Conditions;

public sealed class ConditionEvaluationTests
{
    /// <summary>Conditions over <see cref="ConditionTestRecords.Sample"/> and whether each holds.</summary>
    public static TheoryData<string, bool> SampleTable => new()
    {
        // == and != on numbers, whatever the spelling on either side
        { "amount == 1500", true },
        { "amount == 1501", false },
        { "amount == 1500.0", true },
        { "amount == 1.5e3", true },
        { "price == 1000", true },
        { "price == 1e3", true },
        { "big == 1000", true },
        { "big == 1000.0", true },
        { "amount != 1500", false },
        { "amount != 1", true },
        { "negative == -3", true },

        // strings: ordinal and case-sensitive, unless the operator says otherwise
        { "status == 'Active'", true },
        { "status == 'active'", false },
        { "status != 'Active'", false },
        { "status != 'x'", true },
        { "status IEQUALS 'active'", true },
        { "status IEQUALS 'other'", false },
        { "status NOT IEQUALS 'active'", false },
        { "status NOT IEQUALS 'other'", true },
        { "empty == ''", true },

        // booleans compare with booleans only
        { "active == true", true },
        { "active == false", false },
        { "deleted == false", true },
        { "active != false", true },
        { "active == 'true'", false },
        { "active != 'true'", false },
        { "active == 1", false },

        // null: exists, equals only null, unequal to everything else, has no order
        { "note == null", true },
        { "note != null", false },
        { "status == null", false },
        { "status != null", true },
        { "note == 5", false },
        { "note != 5", true },
        { "note > 5", false },
        { "note < 5", false },
        { "note == ''", false },

        // type mismatches are false for == and != alike
        { "status == 5", false },
        { "status != 5", false },
        { "amount == '1500'", false },
        { "amount != '1500'", false },
        { "user == 'alice'", false },
        { "user != 'alice'", false },

        // ordering: numbers numerically, strings ordinally
        { "amount > 1000", true },
        { "amount > 1500", false },
        { "amount >= 1500", true },
        { "amount >= 1501", false },
        { "amount < 2000", true },
        { "amount < 1500", false },
        { "amount <= 1500", true },
        { "amount <= 1499.99", false },
        { "negative < 0", true },
        { "negative > -3.5", true },
        { "ratio < 1e-1", false },
        { "ratio > 2.5e-1", false },
        { "ratio >= 25e-2", true },
        { "5 < amount", true },
        { "5 > amount", false },
        { "status > 'A'", true },
        { "status < 'B'", true },
        { "status > 'a'", false },
        { "code >= 'ABC-123'", true },
        { "code > 'ABC-123'", false },
        { "'Z' > status", true },
        { "status > 5", false },
        { "status < 5", false },
        { "amount > '1000'", false },
        { "active > deleted", false },
        { "active < deleted", false },
        { "tags > 1", false },

        // CONTAINS on strings (substring) and arrays (an equal element)
        { "name CONTAINS 'Pro'", true },
        { "name CONTAINS 'pro'", false },
        { "name ICONTAINS 'pro'", true },
        { "name NOT CONTAINS 'pro'", true },
        { "name NOT CONTAINS 'Pro'", false },
        { "name NOT ICONTAINS 'PRO'", false },
        { "name CONTAINS 'Widget ''Pro'''", true },
        { "name CONTAINS ''", true },
        { "empty CONTAINS ''", true },
        { "'Active duty' CONTAINS status", true },
        { "tags CONTAINS 'red'", true },
        { "tags CONTAINS 'Red'", false },
        { "tags ICONTAINS 'RED'", true },
        { "tags CONTAINS 'green'", false },
        { "tags NOT CONTAINS 'green'", true },
        { "tags NOT CONTAINS 'red'", false },
        { "tags CONTAINS 3", true },
        { "tags CONTAINS 3.0", true },
        { "tags CONTAINS 3e0", true },
        { "tags CONTAINS 4", false },
        { "tags CONTAINS true", true },
        { "tags CONTAINS false", false },
        { "tags CONTAINS null", true },
        { "nested.a CONTAINS items[0].qty", true },
        { "amount CONTAINS '1'", false },
        { "amount NOT CONTAINS '1'", false },
        { "name CONTAINS 5", false },
        { "name NOT CONTAINS 5", false },
        { "user CONTAINS 'alice'", false },

        // STARTS WITH / ENDS WITH, strings only
        { "code STARTS WITH 'ABC'", true },
        { "code STARTS WITH 'abc'", false },
        { "code ISTARTS WITH 'abc'", true },
        { "code NOT STARTS WITH 'X'", true },
        { "code NOT STARTS WITH 'ABC'", false },
        { "code NOT ISTARTS WITH 'abc'", false },
        { "code ENDS WITH '123'", true },
        { "code ENDS WITH '12'", false },
        { "code NOT ENDS WITH '12'", true },
        { "email ENDS WITH '@example.com'", false },
        { "email IENDS WITH '@example.com'", true },
        { "email NOT IENDS WITH '@EXAMPLE.COM'", false },
        { "email STARTS WITH user.name", false },
        { "user.name STARTS WITH 'ali'", true },
        { "amount STARTS WITH '15'", false },
        { "amount NOT STARTS WITH '9'", false },
        { "tags STARTS WITH 'red'", false },

        // IN with literals
        { "status IN ('Active', 'Pending')", true },
        { "status IN ('active')", false },
        { "status NOT IN ('Closed')", true },
        { "status NOT IN ('Active', 'Closed')", false },
        { "amount IN (1, 1500)", true },
        { "amount IN (1.5e3)", true },
        { "amount IN ('x', 1500)", true },
        { "amount IN ('1500')", false },
        { "amount NOT IN ('1500')", false },
        { "amount NOT IN (1, 2)", true },
        { "active IN (true)", true },
        { "active IN (false)", false },
        { "active NOT IN (false)", true },
        { "note IN (null)", true },
        { "note IN ('x')", false },
        { "note NOT IN ('x')", true },
        { "status IN (null, 'x')", false },
        { "status NOT IN (null)", true },
        { "tags IN ('red')", false },
        { "tags NOT IN ('red')", false },

        // MATCHES: .NET regex on string values; backslashes are literal inside '...'
        { @"code MATCHES '^[A-Z]+-\d+$'", true },
        { "code MATCHES '^[a-z]+'", false },
        { "code MATCHES '(?i)^[a-z]+'", true },
        { "code MATCHES 'C-1'", true },
        { "code NOT MATCHES '^X'", true },
        { "code NOT MATCHES 'ABC'", false },
        { @"path MATCHES '^C:\\temp\\'", true },
        { "name MATCHES '''Pro''$'", true },
        { "amount MATCHES '1500'", false },
        { "amount NOT MATCHES 'x'", false },
        { "note MATCHES '.*'", false },

        // EXISTS and NOT EXISTS, prefix and postfix
        { "EXISTS amount", true },
        { "EXISTS missing", false },
        { "NOT EXISTS missing", true },
        { "NOT EXISTS amount", false },
        { "EXISTS note", true },
        { "note EXISTS", true },
        { "missing EXISTS", false },
        { "missing NOT EXISTS", true },
        { "amount NOT EXISTS", false },
        { "EXISTS user.profile.country", true },
        { "EXISTS user.profile.city", false },
        { "EXISTS items[1].sku", true },
        { "EXISTS items[2].sku", false },
        { "EXISTS $.user.name", true },
        { "EXISTS $.user.nickname", false },

        // paths: nested, indexed, JSONPath, quoted keys, keyword-named and hyphenated fields
        { "user.profile.country == 'NL'", true },
        { "user.profile.age >= 30", true },
        { "items[0].sku == 'A1'", true },
        { "items[1].qty == 5", true },
        { "$.user.profile.country == 'NL'", true },
        { "$.items[0].sku == 'A1'", true },
        { "$['odd key'] == 'x'", true },
        { "$.in == 'keyword-named'", true },
        { "$['in'] == 'keyword-named'", true },
        { "x-ray == 1", true },
        { "tags[0] == 'red'", true },
        { "tags[4] == null", true },
        { "tags[9] == 'red'", false },
        { "nested.a[2] == 3", true },
        { "user.name.first == 'a'", false },
        { "Status == 'Active'", false },

        // field against field
        { "limits.max > limits.min", true },
        { "limits.min == amount", true },
        { "limits.max < amount", false },
        { "amount != limits.max", true },
        { "items[1].qty > items[0].qty", true },
        { "status == code", false },
        { "status != code", true },
        { "status != amount", false },
        { "amount == missing", false },
        { "missing != amount", false },
        { "price == big", true },
        { "nested == copy", true },
        { "nested.a == copy.a", true },
        { "nested != copy", false },
        { "tags == nested.a", false },
        { "tags != nested.a", true },
        { "note == note", true },
        { "active == deleted", false },
        { "active != deleted", true },

        // AND, OR, NOT, precedence and parentheses
        { "amount > 1000 AND status == 'Active'", true },
        { "amount > 1000 AND status == 'x'", false },
        { "amount > 9999 OR status == 'Active'", true },
        { "amount > 9999 OR status == 'x'", false },
        { "NOT amount > 9999", true },
        { "NOT NOT amount > 1", true },
        { "NOT (amount > 1 AND status == 'x')", true },
        { "NOT missing == 1", true },
        { "status == 'Active' OR amount > 9999 AND active == false", true },
        { "(status == 'Active' OR amount > 9999) AND active == false", false },
        { "NOT status == 'Active' AND amount > 9999", false },
        { "NOT (status == 'Active' AND amount > 9999)", true },
        { "amount > 9999 AND status == 'x' OR active == true", true },
        { "amount > 9999 AND (status == 'x' OR active == true)", false },
        { "((amount == 1500))", true },
        { "(amount == 1500 OR (status == 'x' AND (NOT EXISTS missing)))", true },

        // keywords in any case; field names and strings keep theirs
        { "amount > 1000 and status == 'Active'", true },
        { "amount > 9999 Or status == 'Active'", true },
        { "not amount > 9999", true },
        { "exists amount", true },
        { "Not Exists missing", true },
        { "code starts with 'ABC'", true },
        { "code Ends With '123'", true },
        { "status in ('Active')", true },
        { "name not contains 'x'", true },
        { "code matches '^A'", true },
        { "status iequals 'ACTIVE'", true },
        { "active == TRUE", true },
        { "deleted == False", true },
        { "note == NULL", true },
    };

    [Theory]
    [MemberData(nameof(SampleTable))]
    public void Condition_over_the_sample_record_holds_as_expected(string condition, bool expected)
    {
        var compiled = ConditionCompiler.Compile(condition);

        Assert.Equal(expected, compiled.EvaluateBothWays(ConditionTestRecords.Sample));
    }

    [Theory]
    [MemberData(nameof(SampleTable))]
    public void Explain_gives_the_same_result_as_Evaluate(string condition, bool expected)
    {
        var explanation = ConditionCompiler.Compile(condition).Explain(ConditionTestRecords.Sample);

        Assert.Equal(expected, explanation.Result);
        Assert.Equal(expected, explanation.Parts[0].Held);
    }

    public static TheoryData<string> OperatorTemplates => new()
    {
        "{0} == 1", "{0} != 1", "{0} == null", "{0} != null", "{0} == 'x'", "{0} != 'x'", "{0} == true", "{0} != true",
        "{0} > 1", "{0} >= 1", "{0} < 1", "{0} <= 1", "{0} > 'x'", "{0} < 'x'",
        "{0} CONTAINS 'x'", "{0} NOT CONTAINS 'x'", "{0} ICONTAINS 'x'", "{0} NOT ICONTAINS 'x'", "{0} CONTAINS null",
        "{0} STARTS WITH 'x'", "{0} NOT STARTS WITH 'x'", "{0} ISTARTS WITH 'x'",
        "{0} ENDS WITH 'x'", "{0} NOT ENDS WITH 'x'", "{0} IENDS WITH 'x'",
        "{0} IN (1, 'x', true, null)", "{0} NOT IN (1, 'x', true, null)",
        "{0} MATCHES '.*'", "{0} NOT MATCHES 'x'", "{0} IEQUALS 'x'", "{0} NOT IEQUALS 'x'",
        "{0} == amount", "amount != {0}", "{0} == {0}", "{0} != {0}", "status < {0}",
        "EXISTS {0}", "{0} EXISTS",
    };

    public static TheoryData<string, string> MissingFieldCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in new[] { "missing", "user.profile.city", "items[5].sku", "status.sub", "$.nothing.here", "tags[9]" })
        {
            foreach (var template in OperatorTemplates)
            {
                data.Add(field, string.Format(template, field));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MissingFieldCases))]
    public void A_missing_field_makes_every_operator_false(string field, string condition)
    {
        Assert.False(ConditionCompiler.Compile(condition).EvaluateBothWays(ConditionTestRecords.Sample), $"{condition} (field {field})");
    }

    [Theory]
    [InlineData("NOT EXISTS missing")]
    [InlineData("missing NOT EXISTS")]
    [InlineData("NOT EXISTS items[5].sku")]
    [InlineData("NOT EXISTS $.user.profile.city")]
    [InlineData("NOT missing == 1")]
    [InlineData("NOT missing != 1")]
    public void Only_negating_a_whole_test_is_true_for_a_missing_field(string condition)
    {
        Assert.True(ConditionCompiler.Compile(condition).EvaluateBothWays(ConditionTestRecords.Sample));
    }

    public static TheoryData<string, string> MismatchCases => new()
    {
        // field kind, condition: a value compared with a literal of another kind is neither equal nor unequal
        { "string", "status == 1" },
        { "string", "status != 1" },
        { "string", "status > 1" },
        { "string", "status <= 1" },
        { "string", "status == true" },
        { "string", "status != false" },
        { "string", "status IN (1, 2)" },
        { "string", "status NOT IN (1, 2)" },
        { "number", "amount == 'x'" },
        { "number", "amount != 'x'" },
        { "number", "amount >= 'a'" },
        { "number", "amount == true" },
        { "number", "amount CONTAINS '5'" },
        { "number", "amount ENDS WITH '0'" },
        { "number", "amount MATCHES '1'" },
        { "boolean", "active == 1" },
        { "boolean", "active != 'yes'" },
        { "boolean", "active CONTAINS 'tr'" },
        { "object", "user == 1" },
        { "object", "user != 1" },
        { "object", "user > 'a'" },
        { "object", "user == amount" },
        { "array", "tags == 'red'" },
        { "array", "tags != 'red'" },
        { "array", "tags STARTS WITH 'r'" },
        { "array", "tags MATCHES 'red'" },
    };

    [Theory]
    [MemberData(nameof(MismatchCases))]
    public void A_type_mismatch_is_false_not_an_error(string fieldKind, string condition)
    {
        Assert.False(ConditionCompiler.Compile(condition).EvaluateBothWays(ConditionTestRecords.Sample), $"{condition} ({fieldKind} field)");
    }

    public static TheoryData<string, string> NumberSpellings()
    {
        var data = new TheoryData<string, string>();
        foreach (var inRecord in new[] { "1000", "1000.0", "1e3", "1E+3", "10000e-1", "1.000e3" })
        {
            foreach (var literal in new[] { "1000", "1000.0", "1e3", "1E3", "1.0e3", "1e+3", "10000e-1" })
            {
                data.Add(inRecord, literal);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NumberSpellings))]
    public void Numbers_compare_as_numbers_whatever_their_spelling(string inRecord, string literal)
    {
        var record = ConditionTestRecords.Parse($$"""{ "n": {{inRecord}}, "m": 1000 }""");

        Assert.True(ConditionCompiler.Compile($"n == {literal}").EvaluateBothWays(record));
        Assert.False(ConditionCompiler.Compile($"n != {literal}").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile($"n >= {literal} AND n <= {literal}").EvaluateBothWays(record));
        Assert.False(ConditionCompiler.Compile($"n > {literal} OR n < {literal}").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile($"n IN ({literal})").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile("n == m").EvaluateBothWays(record));
    }

    public static TheoryData<JsonNode> NumbersBuiltInCode => new()
    {
        JsonValue.Create(1000),
        JsonValue.Create(1000L),
        JsonValue.Create(1000.0),
        JsonValue.Create(1000f),
        JsonValue.Create(1000m),
        JsonValue.Create(1000.000m),
        JsonValue.Create((short)1000),
        JsonValue.Create(1000UL),
    };

    [Theory]
    [MemberData(nameof(NumbersBuiltInCode))]
    public void Numbers_in_records_built_in_code_compare_as_numbers(JsonNode number)
    {
        var record = new JsonObject { ["n"] = number.DeepClone() };

        Assert.True(ConditionCompiler.Compile("n == 1e3").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile("n > 999.5").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile("n IN (1000.0)").EvaluateBothWays(record));
    }

    [Fact]
    public void Strings_in_records_built_in_code_compare_as_strings()
    {
        var record = new JsonObject { ["s"] = "abc", ["c"] = JsonValue.Create('a'), ["d"] = JsonValue.Create(new DateTime(2024, 5, 1)) };

        Assert.True(ConditionCompiler.Compile("s == 'abc' AND s STARTS WITH 'a'").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile("c == 'a'").EvaluateBothWays(record));
        Assert.True(ConditionCompiler.Compile("d STARTS WITH '2024-05-01'").EvaluateBothWays(record));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void An_empty_condition_is_always_true(string? condition)
    {
        var compiled = ConditionCompiler.Compile(condition);

        Assert.True(compiled.IsAlwaysTrue);
        Assert.IsType<AlwaysTrueCondition>(compiled.Syntax);
        Assert.True(compiled.EvaluateBothWays(new JsonObject()));
        Assert.True(compiled.EvaluateBothWays(ConditionTestRecords.Sample));
    }

    [Fact]
    public void A_condition_that_is_not_empty_is_not_always_true()
    {
        Assert.False(ConditionCompiler.Compile("EXISTS a").IsAlwaysTrue);
    }

    [Fact]
    public void One_compiled_condition_evaluates_many_records_deterministically()
    {
        var compiled = ConditionCompiler.Compile("amount >= 500 AND status IN ('a', 'b') OR tags CONTAINS 'vip'");
        var statuses = new[] { "a", "b", "c" };
        var records = Enumerable.Range(0, 100_000)
            .Select(i => new JsonObject
            {
                ["amount"] = i % 1000,
                ["status"] = statuses[i % 3],
                ["tags"] = i % 7 == 0 ? new JsonArray("vip") : new JsonArray(),
            })
            .ToList();
        var expected = Enumerable.Range(0, 100_000)
            .Count(i => (i % 1000 >= 500 && i % 3 != 2) || i % 7 == 0);

        var first = records.Count(compiled.Evaluate);
        var second = records.Count(compiled.Evaluate);

        Assert.Equal(expected, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_compiled_condition_can_be_shared_across_threads()
    {
        var compiled = ConditionCompiler.Compile("code MATCHES '^[A-Z]+-\\d+$' AND amount > 1000");
        var record = ConditionTestRecords.Sample;

        var results = Enumerable.Range(0, 2000).AsParallel().Select(_ => compiled.EvaluateBothWays(record)).ToList();

        Assert.All(results, Assert.True);
    }

    [Fact]
    public void A_regular_expression_that_times_out_is_reported_not_guessed()
    {
        var compiled = ConditionCompiler.Compile("s MATCHES '^(a+)+$'");
        var record = new JsonObject { ["s"] = new string('a', 5000) + "!" };

        var error = Assert.Throws<MuxlyException>(() => compiled.EvaluateBothWays(record));

        Assert.Equal("MuxlyConditionRegexTimeout", error.ErrorId);
        Assert.Equal(MuxlyErrorKind.InvalidData, error.Kind);
    }
}
