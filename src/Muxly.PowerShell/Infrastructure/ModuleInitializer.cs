using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// Runs on every Import-Module. PowerShell does not probe a module's <c>runtimes/&lt;rid&gt;/native</c> folders, so the
/// native SQLite library is found here, on demand, the first time SQLitePCLRaw asks for it. Registering the handler
/// is guarded: a module imported into a second runspace must not register it again. Nothing is loaded at import.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static int _registered;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNativeLibrary;
        }
    }

    private static IntPtr ResolveNativeLibrary(Assembly requestingAssembly, string libraryName)
    {
        if (!libraryName.Contains("e_sqlite3", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        var path = NativeLibraryPath("e_sqlite3");
        return path is not null && NativeLibrary.TryLoad(path, out var handle) ? handle : IntPtr.Zero;
    }

    /// <summary>The shipped native library for this OS and architecture, or null if the module has none for it.</summary>
    internal static string? NativeLibraryPath(string name)
    {
        var moduleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        var architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var (os, fileName) = OperatingSystem.IsWindows() ? ("win", $"{name}.dll")
            : OperatingSystem.IsMacOS() ? ("osx", $"lib{name}.dylib")
            : ("linux", $"lib{name}.so");
        var candidate = Path.Combine(moduleFolder, "runtimes", $"{os}-{architecture}", "native", fileName);
        return File.Exists(candidate) ? candidate : null;
    }
}
