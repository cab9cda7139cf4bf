using System.IO.Compression;
using System.Security.Cryptography;

namespace Portal.Domain.MarketData;

/// <summary>
/// One uploaded file: a name (used in error messages and to guess instrument and date) and a readable stream.
/// Gzip is recognised by its magic bytes (1F 8B), so a <c>.gz</c> extension is not required.
/// The stream is read once, forward only; the caller keeps ownership unless the source was made by <see cref="FromFile"/>.
/// </summary>
public sealed class MarketDataSource : IDisposable
{
    private readonly bool _owns;

    /// <summary>Wraps a caller-owned stream.</summary>
    public MarketDataSource(string fileName, Stream content) : this(fileName, content, owns: false) { }

    private MarketDataSource(string fileName, Stream content, bool owns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead) throw new ArgumentException($"Stream for '{fileName}' is not readable.", nameof(content));
        FileName = Path.GetFileName(fileName);
        Content = content;
        _owns = owns;
    }

    /// <summary>File name without directory.</summary>
    public string FileName { get; }

    /// <summary>The raw (possibly gzip-compressed) content.</summary>
    public Stream Content { get; }

    /// <summary>Opens a file on disk for sequential reading; dispose the source to close it.</summary>
    public static MarketDataSource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new MarketDataSource(path, fs, owns: true);
    }

    /// <summary>File name with a trailing <c>.gz</c> removed.</summary>
    internal string BaseName => FileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? FileName[..^3] : FileName;

    /// <summary>Returns a stream of the decompressed bytes that also feeds <paramref name="hash"/>.</summary>
    internal Stream OpenDecompressed(IncrementalHash hash, long maxBytes, int maxLineBytes = int.MaxValue)
    {
        var magic = new byte[2];
        var n = Content.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        Stream raw = new PrefixedStream(magic.AsMemory(0, n), Content);
        Stream inner = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B
            ? new GZipStream(new BufferedStream(raw, 1 << 16), CompressionMode.Decompress)
            : raw;
        return new HashingReadStream(inner, hash, disposeInner: true, maxBytes, FileName, maxLineBytes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_owns) Content.Dispose();
    }
}

/// <summary>
/// Read-only pass-through stream that hashes every byte read and enforces the decompressed size and line length limits
/// as the bytes arrive, so that no reader downstream ever buffers more than one limit's worth.
/// </summary>
internal sealed class HashingReadStream(Stream inner, IncrementalHash hash, bool disposeInner, long maxBytes, string fileName, int maxLineBytes = int.MaxValue) : Stream
{
    private long _lineBytes;
    private long _lines;

    public long BytesRead { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (n > 0) { hash.AppendData(buffer[..n]); BytesRead += n; }
        if (BytesRead > maxBytes)
            throw new InputTooLargeException($"{fileName} is larger than the limit of {maxBytes:N0} bytes after decompression", nameof(ValidationOptions.MaxDecompressedBytes));
        if (maxLineBytes < int.MaxValue)
        {
            var rest = buffer[..n];
            while (true)
            {
                var nl = rest.IndexOf((byte)'\n');
                _lineBytes += nl < 0 ? rest.Length : nl;
                if (_lineBytes > maxLineBytes)
                    throw new InputTooLargeException($"line {_lines + 1:N0} of {fileName} is longer than the limit of {maxLineBytes:N0} bytes", nameof(ValidationOptions.MaxLineBytes));
                if (nl < 0) break;
                _lineBytes = 0;
                _lines++;
                rest = rest[(nl + 1)..];
            }
        }
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing && disposeInner) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The canonical content hash: SHA-256 over, for each file in canonical order, its role, then the SHA-256 of its decompressed bytes.</summary>
internal sealed class ContentHasher : IDisposable
{
    private readonly IncrementalHash _outer = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public static IncrementalHash BeginFile() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Appends the role, a newline and the file's digest; call in canonical file order.</summary>
    public void EndFile(string role, IncrementalHash file)
    {
        _outer.AppendData(System.Text.Encoding.UTF8.GetBytes(role + "\n"));
        _outer.AppendData(file.GetHashAndReset());
        file.Dispose();
    }

    public string Finish() => Convert.ToHexStringLower(_outer.GetHashAndReset());

    public void Dispose() => _outer.Dispose();
}

/// <summary>Replays bytes already read from a forward-only stream, then continues with the stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        if (_prefix.Length == 0) return rest.Read(buffer);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The decompressed input passed <see cref="ValidationOptions.MaxDecompressedBytes"/> or <see cref="ValidationOptions.MaxLineBytes"/>.</summary>
internal sealed class InputTooLargeException(string message, string limit) : IOException(message)
{
    /// <summary>The <see cref="ValidationOptions"/> property that was exceeded.</summary>
    public string Limit { get; } = limit;
}
