using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>Migration 0003: the scheduler's own tables beside the seed's, hanging off them with ON DELETE CASCADE.</summary>
public sealed class SchedulerStateSchemaTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("scheduler_job_options", "job_id", "scheduler_jobs", "CASCADE")]
    [InlineData("scheduler_job_cursors", "job_id", "scheduler_jobs", "CASCADE")]
    [InlineData("job_execution_details", "execution_id", "job_executions", "CASCADE")]
    [InlineData("job_execution_details", "owner_instance_id", "scheduler_instances", "SET NULL")]
    [InlineData("scheduler_occurrence_claims", "job_id", "scheduler_jobs", "CASCADE")]
    [InlineData("scheduler_occurrence_claims", "execution_id", "job_executions", "SET NULL")]
    public void NewTables_ReferToTheSeedTables(string table, string column, string parent, string onDelete)
    {
        var database = _temp.Open();

        var keys = database.Read(connection => ForeignKeys(connection, table));

        Assert.Contains(new ForeignKeyInfo(column, parent, "id", onDelete), keys);
    }

    [Fact]
    public void OccurrenceClaims_AreKeyedOnJobAndOccurrence()
    {
        var database = _temp.Open();

        var key = database.Read(connection => Columns(connection, "scheduler_occurrence_claims"))
            .Where(c => c.PrimaryKey > 0).OrderBy(c => c.PrimaryKey).Select(c => c.Name);

        Assert.Equal(["job_id", "scheduled_for"], key);
    }

    [Fact]
    public void TheLookForOrphanedClaims_ReadsOnlyClaimsNotYetStarted()
    {
        var database = _temp.Open();

        var plan = database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + Muxly.Storage.ExecutionStore.OrphanedClaimsSql;
            command.Parameters.AddWithValue("$me", "me");
            command.Parameters.AddWithValue("$stale", "2026-01-01 00:00:00");
            using var reader = command.ExecuteReader();
            var details = new List<string>();
            while (reader.Read())
            {
                details.Add(reader.GetString(3));
            }

            return details;
        });

        // Migration 0007's partial index (execution_id IS NULL), in occurrence order: no scan of every claim kept.
        Assert.Contains(plan, step => step.Contains("c USING INDEX ix_scheduler_occurrence_claims_unstarted"));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN c") && !step.Contains("USING INDEX"));
    }
}
