using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Portal.Domain.Backtesting;

namespace Portal.Data.Runs;

/// <summary>
/// The episodes of one strategy in one run held as columns, and their packed form in <see cref="Entities.RunEpisodeBlock"/>.
/// </summary>
/// <remarks>
/// Packed form, version 1: one version byte, then a Brotli stream of
/// <list type="number">
/// <item>the episode count (int32, little-endian);</item>
/// <item>the episode numbers, each as its difference from the one before (int32), so 0, 1, 2… packs to almost nothing;</item>
/// <item>one column of doubles per field of <see cref="EpisodeResult"/> in <see cref="Fields"/> order, shortfall first,
/// each byte-shuffled (all first bytes, then all second bytes…, as in Blosc's shuffle filter) so that the sign and
/// exponent bytes, which barely vary within a column, compress away.</item>
/// </list>
/// Values are stored bit for bit. The episode numbers and the shortfall come first, so charts and paired comparisons read
/// only the front of the stream.
/// </remarks>
public sealed class EpisodeColumns
{
    /// <summary>Format of <see cref="Pack"/>.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The stored fields of <see cref="EpisodeResult"/> beside the episode number, in stored order.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        nameof(EpisodeResult.ShortfallBps), nameof(EpisodeResult.ShortfallCurrency), nameof(EpisodeResult.ArrivalSlippageBps),
        nameof(EpisodeResult.VwapSlippageBps), nameof(EpisodeResult.SpreadAndFeesBps), nameof(EpisodeResult.TemporaryImpactBps),
        nameof(EpisodeResult.PermanentImpactBps), nameof(EpisodeResult.TimingBps), nameof(EpisodeResult.ForcedQuantity),
        nameof(EpisodeResult.MaxParticipation), nameof(EpisodeResult.UnfilledQuantity), nameof(EpisodeResult.OpportunityCostBps),
    ];

    private const int Quality = 5;
    private const int Window = 22;

    private readonly int[] _episodes;
    private readonly double[][] _columns;

    private EpisodeColumns(int[] episodes, double[][] columns)
    {
        _episodes = episodes;
        _columns = columns;
    }

    /// <summary>No episodes.</summary>
    public static EpisodeColumns Empty { get; } = new([], [.. Enumerable.Range(0, 12).Select(_ => Array.Empty<double>())]);

    public int Count => _episodes.Length;

    /// <summary>Whether every field was read (false when only the episode numbers and shortfalls were unpacked).</summary>
    public bool IsComplete => _columns.Length == Fields.Count;

    /// <summary>Episode numbers, in stored (ascending) order.</summary>
    public IReadOnlyList<int> Episodes => _episodes;

    /// <summary>Implementation shortfall of each episode in bps, aligned with <see cref="Episodes"/>.</summary>
    public IReadOnlyList<double> ShortfallBps => _columns[0];

    /// <summary>Episode <paramref name="i"/> (a position, not an episode number) with every field.</summary>
    /// <exception cref="InvalidOperationException">Only the shortfalls were unpacked.</exception>
    public EpisodeResult this[int i]
    {
        get
        {
            if (!IsComplete)
            {
                throw new InvalidOperationException("Only the episode numbers and shortfalls were read; read every field to get whole episodes.");
            }
            var c = _columns;
            return new EpisodeResult(_episodes[i], c[0][i], c[1][i], c[2][i], c[3][i], c[4][i], c[5][i], c[6][i], c[7][i], c[8][i], c[9][i])
            {
                UnfilledQuantity = c[10][i],
                OpportunityCostBps = c[11][i],
            };
        }
    }

    /// <summary>Every episode, in stored order.</summary>
    public IEnumerable<EpisodeResult> Rows()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    /// <summary>Shortfalls of the episodes whose number is a multiple of <paramref name="stride"/>, at most <paramref name="max"/>.</summary>
    public double[] ShortfallSample(int stride, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var sample = new List<double>(Math.Min(max, Count / stride + 1));
        for (var i = 0; i < Count && sample.Count < max; i++)
        {
            if (_episodes[i] % stride == 0)
            {
                sample.Add(_columns[0][i]);
            }
        }
        return [.. sample];
    }

    /// <summary>Columns of <paramref name="episodes"/>, sorted by episode number.</summary>
    /// <exception cref="ArgumentException">An episode number is negative or repeated.</exception>
    public static EpisodeColumns From(IEnumerable<EpisodeResult> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var rows = episodes.OrderBy(e => e.Episode).ToArray();
        var numbers = new int[rows.Length];
        var columns = new double[Fields.Count][];
        for (var f = 0; f < columns.Length; f++)
        {
            columns[f] = new double[rows.Length];
        }
        for (var i = 0; i < rows.Length; i++)
        {
            var e = rows[i];
            if (e.Episode < 0 || (i > 0 && e.Episode == numbers[i - 1]))
            {
                throw new ArgumentException($"Episode numbers must be distinct and non-negative; episode {e.Episode} at position {i} is not.", nameof(episodes));
            }
            numbers[i] = e.Episode;
            columns[0][i] = e.ShortfallBps;
            columns[1][i] = e.ShortfallCurrency;
            columns[2][i] = e.ArrivalSlippageBps;
            columns[3][i] = e.VwapSlippageBps;
            columns[4][i] = e.SpreadAndFeesBps;
            columns[5][i] = e.TemporaryImpactBps;
            columns[6][i] = e.PermanentImpactBps;
            columns[7][i] = e.TimingBps;
            columns[8][i] = e.ForcedQuantity;
            columns[9][i] = e.MaxParticipation;
            columns[10][i] = e.UnfilledQuantity;
            columns[11][i] = e.OpportunityCostBps;
        }
        return new EpisodeColumns(numbers, columns);
    }

    /// <summary>The episodes of <paramref name="parts"/> laid end to end in the order given (each part's episodes all before
    /// the next part's): the columns one block of all of them would unpack to, value for value. One part is returned as it is.</summary>
    /// <exception cref="ArgumentException">The parts' episodes are not in ascending order, or the parts were not all read
    /// with the same fields.</exception>
    public static EpisodeColumns Concat(IReadOnlyList<EpisodeColumns> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            return Empty;
        }
        if (parts.Count == 1)
        {
            return parts[0];
        }
        var fields = parts[0]._columns.Length;
        var count = 0;
        var last = -1;
        foreach (var part in parts)
        {
            if (part._columns.Length != fields)
            {
                throw new ArgumentException("Episode blocks read with different fields cannot be laid end to end.", nameof(parts));
            }
            if (part.Count > 0)
            {
                if (part._episodes[0] <= last)
                {
                    throw new ArgumentException($"Episode blocks overlap or are out of order: episode {part._episodes[0]} follows episode {last}.", nameof(parts));
                }
                last = part._episodes[^1];
            }
            count += part.Count;
        }
        var episodes = new int[count];
        var columns = new double[fields][];
        for (var f = 0; f < fields; f++)
        {
            columns[f] = new double[count];
        }
        var at = 0;
        foreach (var part in parts)
        {
            part._episodes.CopyTo(episodes, at);
            for (var f = 0; f < fields; f++)
            {
                part._columns[f].CopyTo(columns[f], at);
            }
            at += part.Count;
        }
        return new EpisodeColumns(episodes, columns);
    }

    /// <summary>The packed form (see remarks).</summary>
    /// <exception cref="InvalidOperationException">Only the shortfalls were unpacked.</exception>
    public byte[] Pack()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("Only the episode numbers and shortfalls were read; a partial read cannot be packed.");
        }
        using var output = new MemoryStream();
        output.WriteByte(FormatVersion);
        using (var brotli = new BrotliStream(output, new BrotliCompressionOptions { Quality = Quality }, leaveOpen: true))
        {
            Span<byte> header = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(header, Count);
            brotli.Write(header);
            var deltas = new int[Count];
            for (var i = 0; i < Count; i++)
            {
                deltas[i] = i == 0 ? _episodes[0] : _episodes[i] - _episodes[i - 1];
            }
            var buffer = new byte[Count * sizeof(double)];
            Shuffle(MemoryMarshal.AsBytes(deltas.AsSpan()), sizeof(int), buffer);
            brotli.Write(buffer, 0, Count * sizeof(int));
            foreach (var column in _columns)
            {
                Shuffle(MemoryMarshal.AsBytes(column.AsSpan()), sizeof(double), buffer);
                brotli.Write(buffer);
            }
        }
        return output.ToArray();
    }

    /// <summary>Reads a packed block.</summary>
    /// <param name="data">The packed form.</param>
    /// <param name="count">Episodes the block was stored with.</param>
    /// <param name="shortfallOnly">Read only the episode numbers and shortfalls (stops early in the stream).</param>
    /// <exception cref="InvalidDataException">Unknown version, or the block does not hold <paramref name="count"/> episodes.</exception>
    public static EpisodeColumns Unpack(byte[] data, int count, bool shortfallOnly = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (data.Length == 0 || data[0] != FormatVersion)
        {
            throw new InvalidDataException($"Episode block format {(data.Length == 0 ? "(empty)" : data[0].ToString(System.Globalization.CultureInfo.InvariantCulture))} is not known; expected {FormatVersion}.");
        }
        using var brotli = new BrotliStream(new MemoryStream(data, 1, data.Length - 1, writable: false), CompressionMode.Decompress);
        try
        {
            Span<byte> header = stackalloc byte[4];
            brotli.ReadExactly(header);
            var stored = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (stored != count)
            {
                throw new InvalidDataException($"Episode block holds {stored} episodes; its row says {count}.");
            }
            var buffer = new byte[count * sizeof(double)];
            var episodes = new int[count];
            brotli.ReadExactly(buffer, 0, count * sizeof(int));
            Unshuffle(buffer.AsSpan(0, count * sizeof(int)), sizeof(int), MemoryMarshal.AsBytes(episodes.AsSpan()));
            for (var i = 1; i < count; i++)
            {
                episodes[i] += episodes[i - 1];
            }
            var columns = new double[shortfallOnly ? 1 : Fields.Count][];
            for (var f = 0; f < columns.Length; f++)
            {
                brotli.ReadExactly(buffer);
                columns[f] = new double[count];
                Unshuffle(buffer, sizeof(double), MemoryMarshal.AsBytes(columns[f].AsSpan()));
            }
            if (!shortfallOnly && brotli.ReadByte() != -1)
            {
                throw new InvalidDataException("Episode block holds more data than its episodes.");
            }
            return new EpisodeColumns(episodes, columns);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Episode block ends before its {count} episodes.", e);
        }
    }

    /// <summary>Byte <c>b</c> of element <c>i</c> goes to <c>b · n + i</c>.</summary>
    private static void Shuffle(ReadOnlySpan<byte> source, int width, Span<byte> destination)
    {
        var n = source.Length / width;
        for (var i = 0; i < n; i++)
        {
            for (var b = 0; b < width; b++)
            {
                destination[b * n + i] = source[i * width + b];
            }
        }
    }

    private static void Unshuffle(ReadOnlySpan<byte> source, int width, Span<byte> destination)
    {
        var n = source.Length / width;
        for (var i = 0; i < n; i++)
        {
            for (var b = 0; b < width; b++)
            {
                destination[i * width + b] = source[b * n + i];
            }
        }
    }
}
