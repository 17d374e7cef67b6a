using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>formula</c>: computes an arithmetic expression over the record's fields into a field. Config:
/// <c>{"expression": "(price - discount) * quantity", "output": "path"}</c>. The expression language is described on
/// <see cref="FormulaExpression"/>; a syntax error is refused when the rule is saved (<c>MuxlyFormulaSyntaxError</c>,
/// with the position). Where a record cannot be computed (division or modulo by zero, a missing or non-numeric field)
/// the output is set to null and one warning is given for that record; the run goes on.
/// </summary>
public sealed class FormulaTransformation : ITransformationType, IProjectableTransformationType
{
    public string Name => "formula";

    public string Description => "Computes + - * / % over fields and numbers into a field.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var (formula, output) = Parse(config);
        return new PerRecordStage(record =>
        {
            var result = formula.Evaluate(record, out var problem);
            if (problem is not null)
            {
                context.Warn($"formula for '{output}' ({formula}): {problem}; wrote null.");
            }

            if (!output.Set(record, result is { } number ? JsonValues.FromNumber(number) : null))
            {
                context.Warn($"formula could not write '{output}' (a parent is not an object).");
            }

            return record;
        });
    }

    ProjectionStep? IProjectableTransformationType.Project(JsonObject config)
    {
        var (formula, output) = Parse(config);
        var fields = new Dictionary<string, ProjectedPath>(StringComparer.Ordinal);
        foreach (var field in formula.Fields)
        {
            if (ProjectedPath.TryCreate(field) is not { } path)
            {
                return null;
            }

            fields[field.Text] = path;
        }

        return ProjectedPath.TryCreate(output) is { } target
            ? new Compute(formula.Compile<ProjectedRecord>(field => ReadNumber(fields[field.Text])), target)
            : null;
    }

    private (FormulaExpression Formula, FieldPath Output) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "expression", "output");
        var expression = reader.RequireString("expression", "an arithmetic formula such as 'price * quantity'");
        return (FormulaExpression.Parse(expression), reader.RequirePath("output"));
    }

    // An operand that is missing or not a number stops the evaluation as on the materialising path; the record then
    // goes that way, which writes null and says why.
    private static FormulaEvaluator<ProjectedRecord> ReadNumber(ProjectedPath path) => (ProjectedRecord record, ref string? problem) =>
    {
        if (path.TryGet(record, out var found, out var value) && found && value.TryGetNumber(out var number))
        {
            return number;
        }

        problem ??= "an operand is left to the materialising path";
        return null;
    };

    // A record the formula cannot compute (a problem above, division by zero, a result too large) or whose output
    // cannot be written goes the materialising way, which writes null or warns.
    private sealed class Compute(FormulaEvaluator<ProjectedRecord> evaluate, ProjectedPath output) : ProjectionStep
    {
        public override bool ApplyTo(ProjectedRecord record)
        {
            string? problem = null;
            return evaluate(record, ref problem) is { } number && output.TrySet(record, ProjectedValue.Of(JsonValues.FromNumber(number)));
        }
    }
}
