using System.Management.Automation;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Database;

/// <summary>Makes a database the session default, creating and migrating it if needed.</summary>
[Cmdlet(VerbsCommunications.Connect, "MuxlyDatabase", HelpUri = HelpLinks.Base + "Connect-MuxlyDatabase.md")]
[OutputType(typeof(DatabaseInfo))]
public sealed class ConnectMuxlyDatabaseCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Write the database's details to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        var path = DatabaseLocation.Resolve(ResolveUserPath(Path), null).Path;
        var database = MuxlyDatabase.Open(path);
        SessionDatabase.Set(path);
        WriteVerbose($"Muxly commands in this session now use '{path}'.");
        if (PassThru)
        {
            WriteObject(DatabaseInfo.From(database, "Session"));
        }
    }
}

/// <summary>Shows which database is in use, its schema version, pending migrations and size.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyDatabase", HelpUri = HelpLinks.Base + "Get-MuxlyDatabase.md")]
[OutputType(typeof(DatabaseInfo))]
public sealed class GetMuxlyDatabaseCommand : MuxlyCmdlet
{
    protected override void Process()
    {
        var (path, source) = DatabaseLocation.Resolve(ResolveUserPath(Database), SessionDatabase.Current);
        WriteObject(DatabaseInfo.From(MuxlyDatabase.OpenExisting(path), source));
    }
}

/// <summary>Applies pending migrations; -WhatIf lists them without applying.</summary>
[Cmdlet(VerbsData.Update, "MuxlyDatabase", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Update-MuxlyDatabase.md")]
[OutputType(typeof(MigrationInfo))]
public sealed class UpdateMuxlyDatabaseCommand : MuxlyCmdlet
{
    protected override void Process()
    {
        var path = DatabasePath;
        if (!File.Exists(path) && IsWhatIf)
        {
            // Opening would create the file, and -WhatIf must change nothing: a missing database has every migration pending.
            foreach (var migration in Migration.Embedded)
            {
                ShouldProcess($"'{path}'", $"Apply migration {migration.Version:D4}_{migration.Name}");
            }

            return;
        }

        var database = File.Exists(path) ? MuxlyDatabase.OpenExisting(path) : MuxlyDatabase.Open(path, migrate: false);
        var pending = database.GetMigrationStatus().Pending;
        if (pending.Count == 0)
        {
            WriteVerbose($"'{path}' is at the latest schema version ({database.LatestKnownVersion}).");
            return;
        }

        var approved = pending.Where(m => ShouldProcess($"'{path}'", $"Apply migration {m.Version:D4}_{m.Name}")).ToList();
        if (approved.Count != pending.Count)
        {
            // Migrations apply in order: applying some means applying all, so a partial approval applies none.
            return;
        }

        foreach (var migration in database.ApplyMigrations())
        {
            WriteObject(new MigrationInfo { Version = migration.Version, Name = migration.Name, Checksum = migration.Checksum, Status = "Applied", Database = path });
        }
    }
}

/// <summary>Writes an online, consistent copy of the database while others keep using it.</summary>
[Cmdlet(VerbsData.Backup, "MuxlyDatabase", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Backup-MuxlyDatabase.md")]
[OutputType(typeof(FileInfo))]
public sealed class BackupMuxlyDatabaseCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Replace an existing file at the destination.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        var destination = ResolveUserPath(Destination)!;
        var database = Store.Database;
        if (string.Equals(System.IO.Path.GetFullPath(destination), database.Path, StringComparison.Ordinal))
        {
            throw MuxlyException.Invalid("MuxlyBackupDestinationInvalid", "The backup destination is the database itself; choose another file.", destination);
        }

        if (File.Exists(destination) && !Force)
        {
            throw new MuxlyException(MuxlyErrorKind.AlreadyExists, "MuxlyBackupDestinationExists",
                $"'{destination}' already exists. Use -Force to replace it.", destination);
        }

        if (!ShouldProcess(destination, $"Back up '{database.Path}'"))
        {
            return;
        }

        var folder = System.IO.Path.GetDirectoryName(destination);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyBackupFolderNotFound", $"The folder '{folder}' does not exist.", destination);
        }

        // VACUUM INTO will not overwrite, so a replaced backup is written beside it and moved over it.
        var temporary = destination + ".partial-" + Guid.NewGuid().ToString("N");
        try
        {
            database.BackupTo(temporary);
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        WriteObject(new FileInfo(destination));
    }
}
