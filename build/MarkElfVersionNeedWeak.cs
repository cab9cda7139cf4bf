// Compiled by MSBuild's RoslynCodeTaskFactory (see TorchSharp.NativeCompat.targets); targets the
// .NET Standard surface that the task factory references, so it sticks to netstandard2.0 APIs.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version requirement (e.g. <c>GLIBCXX_3.4.32</c> of <c>libstdc++.so.6</c>) as weak
/// in the ELF <c>.gnu.version_r</c> section of the given shared libraries, but only on Linux and only
/// when the system's <c>libstdc++.so.6</c> does not define that version.
/// </summary>
/// <remarks>
/// ELF format: System V ABI gABI, "Symbol Versioning" (Verneed/Vernaux records, <c>VER_FLG_WEAK</c> = 0x2).
/// glibc's loader (<c>_dl_check_map_versions</c>) reports a missing weak version requirement without
/// failing the load. This is sound only when no relocation binds a symbol of that version, which holds for
/// TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> (its only GLIBCXX_3.4.32 symbol,
/// <c>_ZSt21ios_base_library_initv</c>, is referenced by no relocation).
/// Output files may be hard links into the NuGet cache, so the patched bytes go to a new file that is
/// renamed over the output path; the cache is never written. Running it twice changes nothing.
/// </remarks>
public sealed class MarkElfVersionNeedWeak : Task
{
    private const ushort VerFlagWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Shared libraries to patch (output copies, never package-cache files).</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version requirement to weaken, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
    [Required]
    public string VersionName { get; set; } = string.Empty;

    /// <summary>The library that must define <see cref="VersionName"/>, e.g. <c>libstdc++.so.6</c>.</summary>
    [Required]
    public string LibraryName { get; set; } = string.Empty;

    /// <summary>Files whose requirement was weakened by this run.</summary>
    [Output]
    public ITaskItem[] PatchedFiles { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return true;
        }

        string? systemLibrary = FindSystemLibrary(LibraryName);
        if (systemLibrary is null)
        {
            Log.LogMessage(MessageImportance.High,
                $"{LibraryName} not found via ldconfig or the usual library paths; leaving {Files.Length} file(s) unchanged.");
            return true;
        }

        if (ContainsNulTerminated(File.ReadAllBytes(systemLibrary), Encoding.ASCII.GetBytes(VersionName)))
        {
            Log.LogMessage(MessageImportance.Low, $"{systemLibrary} defines {VersionName}; nothing to patch.");
            return true;
        }

        var patched = new List<ITaskItem>();
        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                if (PatchFile(path))
                {
                    patched.Add(item);
                    Log.LogMessage(MessageImportance.High,
                        $"Marked {VersionName} of {LibraryName} weak in {path} ({systemLibrary} lacks it).");
                }
            }
            catch (InvalidDataException ex)
            {
                Log.LogError($"Cannot patch {path}: {ex.Message}");
            }
        }

        PatchedFiles = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns true when the file was changed; false when it was already weak or has no such requirement.</summary>
    private bool PatchFile(string path)
    {
        byte[] image = File.ReadAllBytes(path);
        long flagsOffset = FindVernauxFlagsOffset(image, LibraryName, VersionName);
        if (flagsOffset < 0)
        {
            Log.LogMessage(MessageImportance.Low, $"{path} does not require {VersionName}; unchanged.");
            return false;
        }

        ushort flags = BitConverter.ToUInt16(image, (int)flagsOffset);
        if ((flags & VerFlagWeak) != 0)
        {
            Log.LogMessage(MessageImportance.Low, $"{path}: {VersionName} already weak.");
            return false;
        }

        flags |= VerFlagWeak;
        string temp = path + ".weak-" + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            // File.Copy keeps the permission bits and makes a new inode, breaking any hard link.
            File.Copy(path, temp, overwrite: true);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
            {
                stream.Position = flagsOffset;
                stream.WriteByte((byte)(flags & 0xff));
                stream.WriteByte((byte)(flags >> 8));
            }

            // Same size and time stamp as the package file, so incremental copies skip it and keep the patch.
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(path));

            File.Replace(temp, path, null);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return true;
    }

    /// <summary>
    /// Walks section headers, finds <c>.gnu.version_r</c> by name through the section-name string table,
    /// and returns the file offset of the <c>vna_flags</c> field of the Vernaux entry named
    /// <paramref name="versionName"/> under the Verneed entry for <paramref name="libraryName"/>; -1 if absent.
    /// </summary>
    internal static long FindVernauxFlagsOffset(byte[] image, string libraryName, string versionName)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        }

        long shoff = (long)BitConverter.ToUInt64(image, 0x28);
        int shentsize = BitConverter.ToUInt16(image, 0x3A);
        int shnum = BitConverter.ToUInt16(image, 0x3C);
        int shstrndx = BitConverter.ToUInt16(image, 0x3E);
        if (shoff <= 0 || shentsize < 64 || shstrndx >= shnum || shoff + (long)shnum * shentsize > image.Length)
        {
            throw new InvalidDataException("section header table out of range");
        }

        Section ReadSection(int index)
        {
            long at = shoff + (long)index * shentsize;
            return new Section(
                BitConverter.ToUInt32(image, (int)at),
                BitConverter.ToUInt32(image, (int)at + 4),
                (long)BitConverter.ToUInt64(image, (int)at + 0x18),
                (long)BitConverter.ToUInt64(image, (int)at + 0x20),
                BitConverter.ToUInt32(image, (int)at + 0x28),
                BitConverter.ToUInt32(image, (int)at + 0x2C));
        }

        Section shstrtab = ReadSection(shstrndx);
        Section? verneed = null;
        for (int i = 0; i < shnum; i++)
        {
            Section s = ReadSection(i);
            if (ReadString(image, shstrtab, s.Name) == ".gnu.version_r")
            {
                verneed = s;
                break;
            }
        }

        if (verneed is null)
        {
            return -1;
        }

        Section vn = verneed.Value;
        if (vn.Type != ShtGnuVerneed || vn.Link >= shnum)
        {
            throw new InvalidDataException(".gnu.version_r has an unexpected type or string-table link");
        }

        Section dynstr = ReadSection((int)vn.Link);
        if (ReadString(image, shstrtab, dynstr.Name) != ".dynstr")
        {
            throw new InvalidDataException(".gnu.version_r does not link to .dynstr");
        }

        long entry = vn.Offset;
        for (uint n = 0; n < vn.Info; n++)
        {
            CheckRange(image, entry, 16, vn);
            int count = BitConverter.ToUInt16(image, (int)entry + 2);
            uint file = BitConverter.ToUInt32(image, (int)entry + 4);
            uint auxOffset = BitConverter.ToUInt32(image, (int)entry + 8);
            uint next = BitConverter.ToUInt32(image, (int)entry + 12);
            if (ReadString(image, dynstr, file) == libraryName)
            {
                long aux = entry + auxOffset;
                for (int a = 0; a < count; a++)
                {
                    CheckRange(image, aux, 16, vn);
                    uint name = BitConverter.ToUInt32(image, (int)aux + 8);
                    if (ReadString(image, dynstr, name) == versionName)
                    {
                        return aux + 4;
                    }

                    uint auxNext = BitConverter.ToUInt32(image, (int)aux + 12);
                    if (auxNext == 0)
                    {
                        break;
                    }

                    aux += auxNext;
                }
            }

            if (next == 0)
            {
                break;
            }

            entry += next;
        }

        return -1;
    }

    private static void CheckRange(byte[] image, long at, int size, Section section)
    {
        if (at < section.Offset || at + size > section.Offset + section.Size || at + size > image.Length)
        {
            throw new InvalidDataException(".gnu.version_r entry out of range");
        }
    }

    private static string ReadString(byte[] image, Section table, uint offset)
    {
        long start = table.Offset + offset;
        long end = start;
        long limit = Math.Min(image.Length, table.Offset + table.Size);
        while (end < limit && image[end] != 0)
        {
            end++;
        }

        if (start >= limit || end >= limit)
        {
            throw new InvalidDataException("string table index out of range");
        }

        return Encoding.ASCII.GetString(image, (int)start, (int)(end - start));
    }

    private static string? FindSystemLibrary(string libraryName)
    {
        try
        {
            var start = new ProcessStartInfo("ldconfig", "-p")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            using (Process? process = StartLdconfig(start))
            {
                if (process is not null)
                {
                    string output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    foreach (string line in output.Split('\n'))
                    {
                        string trimmed = line.Trim();
                        int arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
                        bool is64 = trimmed.Contains("x86-64") || trimmed.Contains("AArch64") || trimmed.Contains("64bit");
                        if (arrow > 0 && trimmed.StartsWith(libraryName + " ", StringComparison.Ordinal) && is64)
                        {
                            string candidate = trimmed.Substring(arrow + 2).Trim();
                            if (File.Exists(candidate))
                            {
                                return candidate;
                            }
                        }
                    }
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // ldconfig is not on PATH: fall back to the usual directories below.
        }

        string[] directories =
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        };
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, libraryName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static Process? StartLdconfig(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            start.FileName = "/sbin/ldconfig";
            return File.Exists(start.FileName) ? Process.Start(start) : null;
        }
    }

    private static bool ContainsNulTerminated(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length < haystack.Length; i++)
        {
            if (haystack[i + needle.Length] != 0 || (i > 0 && haystack[i - 1] != 0))
            {
                continue;
            }

            bool match = true;
            for (int j = 0; j < needle.Length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    match = false;
                    break;
                }
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private readonly struct Section
    {
        public Section(uint name, uint type, long offset, long size, uint link, uint info)
        {
            Name = name;
            Type = type;
            Offset = offset;
            Size = size;
            Link = link;
            Info = info;
        }

        public uint Name { get; }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public uint Info { get; }
    }
}
