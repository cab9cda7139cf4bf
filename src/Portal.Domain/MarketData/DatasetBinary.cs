using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portal.Domain.MarketData;

/// <summary>
/// Writes a <see cref="MarketDataset"/> in the compact binary form stored in the database (see docs/data-formats.md):
/// <c>"XLMD"</c>, version byte, length-prefixed JSON <see cref="DatasetSummary"/>, length-prefixed Brotli body, SHA-256 of the body.
/// The body is columnar: each price/size column is stored as decimal-scaled integers, delta and zig-zag varint coded
/// (exactly reversible: values come back bit for bit), falling back to raw doubles when a column has no short decimal form.
/// </summary>
public static class DatasetWriter
{
    internal static readonly byte[] Magic = "XLMD"u8.ToArray();
    internal const byte Version = 1;

    /// <summary>Writes <paramref name="dataset"/> to <paramref name="output"/> (left open).</summary>
    public static void Write(MarketDataset dataset, Stream output)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(output);
        var raw = new MemoryStream();
        using (var w = new BinaryWriter(raw, Encoding.UTF8, leaveOpen: true))
            WriteBody(dataset, w);
        var body = new MemoryStream();
        using (var brotli = new BrotliStream(body, CompressionLevel.Optimal, leaveOpen: true))
            brotli.Write(raw.GetBuffer(), 0, (int)raw.Length);
        var bodyBytes = body.GetBuffer().AsSpan(0, (int)body.Length);
        var header = JsonSerializer.SerializeToUtf8Bytes(dataset.Summary, DatasetJson.Options);
        using var o = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        o.Write(Magic);
        o.Write(Version);
        o.Write(header.Length);
        o.Write(header);
        o.Write(bodyBytes.Length);
        o.Write(bodyBytes);
        o.Write(SHA256.HashData(bodyBytes));
    }

    /// <summary>Serialises to a byte array (the database blob).</summary>
    public static byte[] ToBytes(MarketDataset dataset)
    {
        using var ms = new MemoryStream();
        Write(dataset, ms);
        return ms.ToArray();
    }

    private static void WriteBody(MarketDataset ds, BinaryWriter w)
    {
        w.Write(ds.Format);
        w.Write(ds.Instrument);
        w.Write(ds.ContentHash);
        w.Write7BitEncodedInt(ds.SourceFiles.Count);
        foreach (var f in ds.SourceFiles) w.Write(f);

        var b = ds.Book;
        w.Write7BitEncodedInt(b.Count);
        w.Write7BitEncodedInt(b.Levels);
        ColumnCodec.WriteLongs(w, b.Times);
        foreach (var col in new[] { b.AskPx, b.AskSz, b.BidPx, b.BidSz })
            for (var l = 0; l < b.Levels; l++)
                ColumnCodec.WriteDoubles(w, col, l, b.Levels, b.Count);

        var t = ds.Trades;
        w.Write7BitEncodedInt(t.Count);
        ColumnCodec.WriteLongs(w, t.Times);
        ColumnCodec.WriteDoubles(w, t.Px, 0, 1, t.Count);
        ColumnCodec.WriteDoubles(w, t.Sz, 0, 1, t.Count);
        w.Write(MemoryMarshalBytes(t.Sd));

        w.Write7BitEncodedInt(ds.Halts.Count);
        foreach (var h in ds.Halts) { w.Write(h.TimeNs); w.Write((sbyte)h.Kind); }
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(sbyte[] a) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan());
}

/// <summary>Reads the binary form written by <see cref="DatasetWriter"/>; any worker can rebuild the dataset from the blob.</summary>
public static class DatasetReader
{
    /// <summary>Reads only the summary (cheap: the body is not decoded).</summary>
    public static DatasetSummary ReadSummary(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var r = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(r);
    }

    /// <summary>Reads a whole dataset. Throws <see cref="InvalidDataException"/> for foreign or corrupted blobs.</summary>
    public static MarketDataset Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var r = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        ReadHeader(r);
        var len = r.ReadInt32();
        if (len < 0) throw new InvalidDataException("Dataset body length is negative: the blob is corrupt.");
        var body = r.ReadBytes(len);
        var hash = r.ReadBytes(32);
        if (body.Length != len || hash.Length != 32) throw new InvalidDataException("Dataset blob is truncated.");
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(hash)) throw new InvalidDataException("Dataset body checksum mismatch: the blob is corrupt.");
        try
        {
            var raw = new MemoryStream();
            using (var brotli = new BrotliStream(new MemoryStream(body), CompressionMode.Decompress)) brotli.CopyTo(raw);
            raw.Position = 0;
            using var b = new BinaryReader(raw, Encoding.UTF8);
            return ReadBody(b);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("Dataset body ends early: the blob is corrupt.", ex);
        }
    }

    /// <summary>Reads a dataset from a byte array.</summary>
    public static MarketDataset FromBytes(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        using var ms = new MemoryStream(blob, writable: false);
        return Read(ms);
    }

    private static DatasetSummary ReadHeader(BinaryReader r)
    {
        var magic = r.ReadBytes(4);
        if (!magic.AsSpan().SequenceEqual(DatasetWriter.Magic)) throw new InvalidDataException("Not an Execution Lab dataset (magic 'XLMD' missing).");
        var version = r.ReadByte();
        if (version != DatasetWriter.Version) throw new InvalidDataException($"Dataset format version {version} is not supported (expected {DatasetWriter.Version}).");
        var len = r.ReadInt32();
        if (len is < 2 or > 16 << 20) throw new InvalidDataException($"Dataset header length {len} is out of range.");
        var json = r.ReadBytes(len);
        return JsonSerializer.Deserialize<DatasetSummary>(json, DatasetJson.Options)
               ?? throw new InvalidDataException("Dataset header is empty.");
    }

    private static MarketDataset ReadBody(BinaryReader r)
    {
        var format = r.ReadString();
        var instrument = r.ReadString();
        var contentHash = r.ReadString();
        var files = new string[Count(r, 1000)];
        for (var i = 0; i < files.Length; i++) files[i] = r.ReadString();

        var n = Count(r, int.MaxValue);
        var levels = Count(r, BookSeries.MaxLevels);
        var times = ColumnCodec.ReadLongs(r, n);
        var cols = new double[4][];
        for (var c = 0; c < 4; c++)
        {
            cols[c] = new double[n * levels];
            for (var l = 0; l < levels; l++) ColumnCodec.ReadDoubles(r, cols[c], l, levels, n);
        }
        var book = n == 0 ? BookSeries.Empty : new BookSeries(levels, times, cols[0], cols[1], cols[2], cols[3]);

        var tn = Count(r, int.MaxValue);
        var tt = ColumnCodec.ReadLongs(r, tn);
        var tp = new double[tn]; ColumnCodec.ReadDoubles(r, tp, 0, 1, tn);
        var ts = new double[tn]; ColumnCodec.ReadDoubles(r, ts, 0, 1, tn);
        var sides = new sbyte[tn];
        var raw = r.ReadBytes(tn);
        if (raw.Length != tn) throw new EndOfStreamException();
        Buffer.BlockCopy(raw, 0, sides, 0, tn);
        var trades = tn == 0 ? TradeSeries.Empty : new TradeSeries(tt, tp, ts, sides);

        var halts = new TradingHalt[Count(r, int.MaxValue)];
        for (var i = 0; i < halts.Length; i++) halts[i] = new TradingHalt(r.ReadInt64(), (HaltKind)r.ReadSByte());
        return new MarketDataset(format, instrument, book, trades, halts, contentHash, files);
    }

    private static int Count(BinaryReader r, int max)
    {
        var n = r.Read7BitEncodedInt();
        if (n < 0 || n > max) throw new InvalidDataException($"Count {n} is out of range 0..{max}: the blob is corrupt.");
        return n;
    }
}

internal static class DatasetJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>Column encodings: delta + zig-zag varints for integers and decimal-scaled doubles.</summary>
internal static class ColumnCodec
{
    private const byte Raw = 255;
    private static readonly double[] Pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

    public static void WriteLongs(BinaryWriter w, ReadOnlySpan<long> values)
    {
        long prev = 0;
        foreach (var v in values) { WriteZigZag(w, v - prev); prev = v; }
    }

    public static long[] ReadLongs(BinaryReader r, int n)
    {
        var a = new long[n];
        long prev = 0;
        for (var i = 0; i < n; i++) { prev += ReadZigZag(r); a[i] = prev; }
        return a;
    }

    /// <summary>Writes values[offset + i*stride] for i in 0..n-1.</summary>
    public static void WriteDoubles(BinaryWriter w, double[] values, int offset, int stride, int n)
    {
        var hasNaN = false;
        for (var i = 0; i < n; i++) if (double.IsNaN(values[offset + i * stride])) { hasNaN = true; break; }
        var scale = FindScale(values, offset, stride, n);
        w.Write(scale);
        w.Write(hasNaN);
        if (hasNaN)
        {
            var bits = new byte[(n + 7) / 8];
            for (var i = 0; i < n; i++) if (double.IsNaN(values[offset + i * stride])) bits[i >> 3] |= (byte)(1 << (i & 7));
            w.Write(bits);
        }
        if (scale == Raw)
        {
            for (var i = 0; i < n; i++) w.Write(values[offset + i * stride]);
            return;
        }
        var p = Pow10[scale];
        long prev = 0;
        for (var i = 0; i < n; i++)
        {
            var v = values[offset + i * stride];
            var q = double.IsNaN(v) ? prev : (long)Math.Round(v * p);
            WriteZigZag(w, q - prev);
            prev = q;
        }
    }

    public static void ReadDoubles(BinaryReader r, double[] target, int offset, int stride, int n)
    {
        var scale = r.ReadByte();
        var hasNaN = r.ReadBoolean();
        byte[]? bits = hasNaN ? r.ReadBytes((n + 7) / 8) : null;
        if (scale == Raw)
        {
            for (var i = 0; i < n; i++) target[offset + i * stride] = r.ReadDouble();
            return;
        }
        if (scale >= Pow10.Length) throw new InvalidDataException($"Column scale {scale} is out of range: the blob is corrupt.");
        var p = Pow10[scale];
        long prev = 0;
        for (var i = 0; i < n; i++)
        {
            prev += ReadZigZag(r);
            target[offset + i * stride] = bits is not null && (bits[i >> 3] & (1 << (i & 7))) != 0 ? double.NaN : prev / p;
        }
    }

    /// <summary>Smallest k (0..12) with every finite value exactly equal to round(v·10^k)/10^k and |v·10^k| &lt; 2^53; 255 if none.</summary>
    private static byte FindScale(double[] values, int offset, int stride, int n)
    {
        for (byte k = 0; k < Pow10.Length; k++)
        {
            var p = Pow10[k];
            var ok = true;
            for (var i = 0; i < n && ok; i++)
            {
                var v = values[offset + i * stride];
                if (double.IsNaN(v)) continue;
                var q = Math.Round(v * p);
                ok = Math.Abs(q) < 9.007199254740992e15 && q / p == v;
            }
            if (ok) return k;
        }
        return Raw;
    }

    private static void WriteZigZag(BinaryWriter w, long v)
    {
        var u = (ulong)((v << 1) ^ (v >> 63));
        while (u >= 0x80) { w.Write((byte)(u | 0x80)); u >>= 7; }
        w.Write((byte)u);
    }

    private static long ReadZigZag(BinaryReader r)
    {
        ulong u = 0;
        var shift = 0;
        while (true)
        {
            var b = r.ReadByte();
            u |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) break;
            shift += 7;
            if (shift > 63) throw new InvalidDataException("Varint is too long: the blob is corrupt.");
        }
        return (long)(u >> 1) ^ -(long)(u & 1);
    }
}
