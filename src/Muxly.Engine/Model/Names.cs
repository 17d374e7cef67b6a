using System.Text.RegularExpressions;

namespace Muxly;

/// <summary>The rules every name and id follows, checked before anything is written.</summary>
public static partial class Names
{
    public const int MaxLength = 128;

    /// <summary>Returns the trimmed name, or throws naming what is wrong with it.</summary>
    public static string Validate(string? name, string noun)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw MuxlyException.Invalid($"Muxly{noun}NameInvalid", $"A {noun.ToLowerInvariant()} name cannot be empty or only white space.", name);
        }

        var trimmed = name.Trim();
        if (trimmed.Length > MaxLength)
        {
            throw MuxlyException.Invalid($"Muxly{noun}NameInvalid", $"The {noun.ToLowerInvariant()} name '{trimmed[..32]}…' is longer than {MaxLength} characters.", name);
        }

        // Wildcard characters would make the name impossible to select exactly with -Name.
        var bad = trimmed.FirstOrDefault(c => char.IsControl(c) || c is '*' or '?' or '[' or ']');
        if (bad != default)
        {
            throw MuxlyException.Invalid($"Muxly{noun}NameInvalid",
                $"The {noun.ToLowerInvariant()} name '{trimmed}' contains '{(char.IsControl(bad) ? $"\\u{(int)bad:x4}" : bad.ToString())}'; names cannot contain control or wildcard characters (* ? [ ]).", name);
        }

        return trimmed;
    }

    /// <summary>Ids are chosen by the user only on New; they must be safe in paths and URLs.</summary>
    public static string ValidateId(string id, string noun)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw MuxlyException.Invalid($"Muxly{noun}IdInvalid",
                $"The id '{id}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.'.", id);
        }

        return id;
    }

    public static string NewId() => Guid.NewGuid().ToString("D");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();
}
