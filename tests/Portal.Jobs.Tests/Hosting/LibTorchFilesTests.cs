using Portal.Jobs.Hosting;

namespace Portal.Jobs.Tests.Hosting;

/// <summary>A build without libtorch is recognised, and refuses to execute jobs instead of failing inside one.</summary>
public sealed class LibTorchFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("libtorch-files-");

    [Fact]
    public void A_folder_without_libtorch_is_refused_for_jobs_naming_the_setting()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "libLibTorchSharp.so"), "");

        Assert.False(LibTorchFiles.Shipped(_dir.FullName));
        var e = Assert.Throws<InvalidOperationException>(() => LibTorchFiles.EnsureShippedForJobs(_dir.FullName));
        Assert.Contains("Jobs:RunServerInProcess=false", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("libtorch_cpu.so")]
    [InlineData("runtimes/linux-x64/native/libtorch_cpu.so")]
    [InlineData("runtimes/win-x64/native/torch_cpu.dll")]
    public void Libtorch_is_found_at_the_root_of_a_rid_specific_publish_or_under_runtimes(string file)
    {
        var path = Path.Combine(_dir.FullName, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");

        Assert.True(LibTorchFiles.Shipped(_dir.FullName));
        LibTorchFiles.EnsureShippedForJobs(_dir.FullName);
    }

    [Fact]
    public void This_test_build_carries_libtorch_as_every_build_does()
    {
        Assert.True(LibTorchFiles.Shipped(AppContext.BaseDirectory));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
