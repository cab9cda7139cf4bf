using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Portal.Domain.Simulation;

namespace Portal.Domain.Backtesting;

/// <summary>
/// One shard of a run (<see cref="BacktestRunner.RunEpisodes"/>): every per-episode value of a contiguous range of
/// episodes, and the exact partial sums, extrema and histograms of remaining inventory and participation, so that
/// <see cref="BacktestRunner.Merge"/> of the shards is the single-process result bit for bit. Stored between workers in a
/// compressed binary form that keeps every double's bits (<see cref="ToBytes"/>, <see cref="FromBytes"/>).
/// </summary>
public sealed class BacktestPartial
{
    private const int Magic = 0x31505442; // "BTP1", the first stored form (read only)

    private const int Magic2 = 0x32505442; // "BTP2"

    /// <summary>Brotli quality of the stored form. Most of a shard is doubles that hardly compress: quality 0 stores them
    /// about 4% larger than quality 1 in about half the time.</summary>
    private const int BrotliQuality = 0;

    private const int BrotliWindow = 22;

    /// <summary>Whether a <see cref="PassiveStats"/> array's memory is its six doubles per element in declaration order,
    /// little-endian: then a column is copied as it stands.</summary>
    private static readonly bool PassiveIsSixDoubles = BitConverter.IsLittleEndian && PassiveLayoutIsSequential();

    private readonly List<Array> _rented = [];

    internal BacktestPartial(int first, int count, int strategies, int steps, int bins, int stride, bool keepEpisodes)
        : this(first, count, strategies, steps, bins, stride, keepEpisodes, null)
    {
    }

    /// <summary>A shard whose columns come from <see cref="ColumnPool"/> (<see cref="ReturnColumns"/> hands them back).</summary>
    /// <param name="layout">What the runner writes: with <see cref="ColumnLayout.Fused"/> only the cost, forced and
    /// participation columns (the others are one shared all-zero column each); otherwise every column, and the passive
    /// column only of the strategies flagged in <see cref="ColumnLayout.Posts"/>.</param>
    private BacktestPartial(int first, int count, int strategies, int steps, int bins, int stride, bool keepEpisodes, ColumnLayout? layout)
    {
        First = first;
        Count = count;
        Strategies = strategies;
        Steps = steps;
        Bins = bins;
        Stride = stride;
        KeepEpisodes = keepEpisodes;
        if (layout is { } l)
        {
            // Columns every episode of the shard overwrites come uncleared from the pool; a column nothing writes is one
            // cleared array shared by every strategy (only read).
            CostBps = Pooled<double>(strategies, count);
            CostCurrency = Pooled<double>(strategies, count);
            Forced = Pooled<double>(strategies, count);
            MaxParticipation = Pooled<double>(strategies, count);
            Unfilled = l.Fused ? Shared(ZeroColumn<double>(count), strategies) : Pooled<double>(strategies, count);
            Breaches = l.Fused ? Shared(ZeroColumn<int>(count), strategies) : Pooled<int>(strategies, count);
            OpportunityBps = l.Fused ? Shared(ZeroColumn<double>(count), strategies) : Pooled<double>(strategies, count);
            Passive = new PassiveStats[strategies][];
            PassiveStats[]? zero = null;
            for (int s = 0; s < strategies; s++)
            {
                Passive[s] = !l.Fused && l.Posts[s] ? Pooled<PassiveStats>(count) : zero ??= ZeroColumn<PassiveStats>(count);
            }
        }
        else
        {
            CostBps = Columns<double>(strategies, count);
            CostCurrency = Columns<double>(strategies, count);
            Forced = Columns<double>(strategies, count);
            Unfilled = Columns<double>(strategies, count);
            Breaches = Columns<int>(strategies, count);
            MaxParticipation = Columns<double>(strategies, count);
            OpportunityBps = Columns<double>(strategies, count);
            Passive = Columns<PassiveStats>(strategies, count);
        }

        EpisodeResults = Columns<EpisodeResult>(strategies, keepEpisodes ? count : 0);
        Inventory = new BacktestRunner.InventoryStats(strategies, steps, bins, stride);
        Participation = new BacktestRunner.ParticipationStats(strategies, steps);
        Firings = new IReadOnlyList<Strategies.GuardFiring>[strategies];
        for (int s = 0; s < strategies; s++) Firings[s] = [];
    }

    /// <summary>First episode of the shard.</summary>
    public int First { get; }

    /// <summary>Episodes in the shard.</summary>
    public int Count { get; }

    /// <summary>Strategies run (the known optimum's schedule included).</summary>
    public int Strategies { get; }

    /// <summary>Decision steps per episode.</summary>
    public int Steps { get; }

    /// <summary>Whether every episode's full result is kept.</summary>
    public bool KeepEpisodes { get; }

    internal int Bins { get; }
    internal int Stride { get; }
    internal double[][] CostBps { get; }
    internal double[][] CostCurrency { get; }
    internal double[][] Forced { get; }
    internal double[][] Unfilled { get; }
    internal int[][] Breaches { get; }
    internal double[][] MaxParticipation { get; }
    internal double[][] OpportunityBps { get; }
    internal PassiveStats[][] Passive { get; }
    internal EpisodeResult[][] EpisodeResults { get; }

    /// <summary>Strategy <paramref name="strategy"/>'s full result of every episode of the shard, in episode order (empty
    /// unless <see cref="KeepEpisodes"/>).</summary>
    public IReadOnlyList<EpisodeResult> EpisodesOf(int strategy) => EpisodeResults[strategy];
    internal BacktestRunner.InventoryStats Inventory { get; }
    internal BacktestRunner.ParticipationStats Participation { get; }

    /// <summary>Per strategy, how often each of its guards fired in this shard's episodes (empty for unguarded strategies).</summary>
    internal IReadOnlyList<Strategies.GuardFiring>[] Firings { get; }

    /// <summary>False for a shard stored before guard firings were kept with it: a merge then cannot count them.</summary>
    internal bool HasFirings { get; private set; } = true;

    /// <summary>The shard in its stored form: doubles keep their bits; Brotli-compressed, all-zero columns left out.</summary>
    /// <remarks>Layout (<c>BTP2</c>): the magic and the body's length uncompressed, then the body compressed in one call.
    /// The body is the header fields, per strategy its columns (each a flag byte, then its values unless all are zero) and
    /// episode results, the inventory and participation aggregates and the guard firings. The values are laid out in memory
    /// and compressed at once: a compressing stream fed one value at a time spends far longer in the encoder's per-call work
    /// than in compressing. <see cref="FromBytes"/> still reads the first form (<c>BTP1</c>, one compressed stream
    /// written value by value, no flags).</remarks>
    public byte[] ToBytes() => ToBytes(withEpisodes: true);

    /// <summary>The shard in its stored form (<see cref="ToBytes()"/>), with or without its episodes' full results: a shard
    /// that stores its episodes elsewhere leaves them out, and reads back as a shard that kept none
    /// (<see cref="KeepEpisodes"/> false); the merge needs none of them.</summary>
    public byte[] ToBytes(bool withEpisodes)
    {
        bool episodes = withEpisodes && KeepEpisodes;
        using var plain = new MemoryStream(PlainCapacity());
        using (var w = new BinaryWriter(plain, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(First);
            w.Write(Count);
            w.Write(Strategies);
            w.Write(Steps);
            w.Write(Bins);
            w.Write(Stride);
            w.Write(episodes);
            for (int s = 0; s < Strategies; s++)
            {
                WriteColumn<double>(w, CostBps[s]);
                WriteColumn<double>(w, CostCurrency[s]);
                WriteColumn<double>(w, Forced[s]);
                WriteColumn<double>(w, Unfilled[s]);
                WriteColumn<int>(w, Breaches[s]);
                WriteColumn<double>(w, MaxParticipation[s]);
                WriteColumn<double>(w, OpportunityBps[s]);
                WriteColumn(w, Passive[s]);
                if (episodes) WriteEpisodes(w, EpisodeResults[s]);
            }

            WriteAggregates(w);
        }

        int length = checked((int)plain.Length);
        var body = plain.GetBuffer().AsSpan(0, length);
        var scratch = ArrayPool<byte>.Shared.Rent(8 + BrotliEncoder.GetMaxCompressedLength(length));
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(scratch, Magic2);
            BinaryPrimitives.WriteInt32LittleEndian(scratch.AsSpan(4), length);
            if (!BrotliEncoder.TryCompress(body, scratch.AsSpan(8), out int written, BrotliQuality, BrotliWindow))
            {
                throw new InvalidOperationException("A backtest shard could not be compressed.");
            }

            return scratch[..(8 + written)];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads a shard written by <see cref="ToBytes"/> (either stored form).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a stored shard.</exception>
    public static BacktestPartial FromBytes(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        // A first-form shard is a Brotli stream with a 22-bit window, whose first bit is 1: it never starts with "B".
        if (data.Length < 8 || BinaryPrimitives.ReadInt32LittleEndian(data) != Magic2) return FromFirstForm(data);
        int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4));
        if (length < 0) throw new InvalidDataException("Not a stored backtest shard.");
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (!BrotliDecoder.TryDecompress(data.AsSpan(8), body.AsSpan(0, length), out int written) || written != length)
            {
                throw new InvalidDataException("A stored backtest shard is damaged or cut short.");
            }

            using var r = new BinaryReader(new MemoryStream(body, 0, length, writable: false));
            var p = new BacktestPartial(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean());
            p.CheckHeader();
            for (int s = 0; s < p.Strategies; s++)
            {
                ReadColumn<double>(r, p.CostBps[s]);
                ReadColumn<double>(r, p.CostCurrency[s]);
                ReadColumn<double>(r, p.Forced[s]);
                ReadColumn<double>(r, p.Unfilled[s]);
                ReadColumn<int>(r, p.Breaches[s]);
                ReadColumn<double>(r, p.MaxParticipation[s]);
                ReadColumn<double>(r, p.OpportunityBps[s]);
                ReadColumn(r, p.Passive[s]);
                ReadEpisodes(r, p.EpisodeResults[s]);
            }

            p.Inventory.Read(r);
            p.Participation.Read(r);
            p.HasFirings = ReadFirings(r, p);
            if (r.BaseStream.Position != length) throw new InvalidDataException("A stored backtest shard has bytes past its end.");
            return p;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A stored backtest shard is cut short.", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Reads the first stored form (<c>BTP1</c>): one Brotli stream of every value in turn, columns without flags.</summary>
    private static BacktestPartial FromFirstForm(byte[] data)
    {
        try
        {
            using var plain = new MemoryStream();
            using (var zip = new BrotliStream(new MemoryStream(data, writable: false), CompressionMode.Decompress))
            {
                zip.CopyTo(plain, 1 << 16);
            }

            plain.Position = 0;
            using var r = new BinaryReader(plain);
            if (r.ReadInt32() != Magic) throw new InvalidDataException("Not a stored backtest shard.");
            var p = new BacktestPartial(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean());
            p.CheckHeader();
            for (int s = 0; s < p.Strategies; s++)
            {
                ReadValues<double>(r, p.CostBps[s]);
                ReadValues<double>(r, p.CostCurrency[s]);
                ReadValues<double>(r, p.Forced[s]);
                ReadValues<double>(r, p.Unfilled[s]);
                ReadValues<int>(r, p.Breaches[s]);
                ReadValues<double>(r, p.MaxParticipation[s]);
                ReadValues<double>(r, p.OpportunityBps[s]);
                ReadValues(r, p.Passive[s]);
                ReadEpisodes(r, p.EpisodeResults[s]);
            }

            p.Inventory.Read(r);
            p.Participation.Read(r);
            p.HasFirings = ReadFirings(r, p);
            return p;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A stored backtest shard is cut short.", e);
        }
    }

    private void CheckHeader()
    {
        if (First < 0 || Count < 1 || Strategies < 1 || Steps < 1 || Bins < 1 || Stride < 1)
        {
            throw new InvalidDataException($"A stored backtest shard has an impossible header (first {First}, count {Count}, strategies {Strategies}, steps {Steps}).");
        }
    }

    private void WriteAggregates(BinaryWriter w)
    {
        Inventory.Write(w);
        Participation.Write(w);
        // Guard firings last, so shards stored before them still read (without firings).
        for (int s = 0; s < Strategies; s++)
        {
            w.Write(Firings[s].Count);
            foreach (var f in Firings[s])
            {
                w.Write(f.Guard);
                w.Write(f.StepsFired);
                w.Write(f.EpisodesFired);
                w.Write(f.Decisions);
            }
        }
    }

    /// <summary>About the length of the body (an initial capacity).</summary>
    private int PlainCapacity()
    {
        long perEpisode = 7 * sizeof(double) + sizeof(int) + 6 * sizeof(double) + (KeepEpisodes ? 4 + 12 * sizeof(double) : 0);
        long perStep = (Steps + 1) * (3L * sizeof(double) + 16) + Steps * 16L;
        return (int)Math.Min(int.MaxValue / 2, Strategies * (Count * perEpisode + perStep) + 4096);
    }

    private static void WriteEpisodes(BinaryWriter w, EpisodeResult[] episodes)
    {
        foreach (var e in episodes)
        {
            w.Write(e.Episode);
            w.Write(e.ShortfallBps);
            w.Write(e.ShortfallCurrency);
            w.Write(e.ArrivalSlippageBps);
            w.Write(e.VwapSlippageBps);
            w.Write(e.SpreadAndFeesBps);
            w.Write(e.TemporaryImpactBps);
            w.Write(e.PermanentImpactBps);
            w.Write(e.TimingBps);
            w.Write(e.ForcedQuantity);
            w.Write(e.MaxParticipation);
            w.Write(e.UnfilledQuantity);
            w.Write(e.OpportunityCostBps);
        }
    }

    private static void ReadEpisodes(BinaryReader r, EpisodeResult[] episodes)
    {
        for (int e = 0; e < episodes.Length; e++)
        {
            episodes[e] = new EpisodeResult(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(),
                r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble())
            {
                UnfilledQuantity = r.ReadDouble(),
                OpportunityCostBps = r.ReadDouble(),
            };
        }
    }

    private static bool ReadFirings(BinaryReader r, BacktestPartial p)
    {
        int first;
        try
        {
            first = r.ReadInt32();
        }
        catch (EndOfStreamException)
        {
            return false; // stored before firings were kept
        }

        for (int s = 0; s < p.Strategies; s++)
        {
            int n = s == 0 ? first : r.ReadInt32();
            var list = new Strategies.GuardFiring[n];
            for (int i = 0; i < n; i++) list[i] = new Strategies.GuardFiring(r.ReadString(), r.ReadInt64(), r.ReadInt32(), r.ReadInt64());
            p.Firings[s] = list;
        }

        return true;
    }

    /// <summary>What <see cref="BacktestRunner.RunEpisodes"/> writes into a shard's columns.</summary>
    /// <param name="Fused">The fused schedule kernel runs: only costs, forced quantity and participation are written.</param>
    /// <param name="Posts">Per strategy, whether it posts limit orders (and so writes the passive column).</param>
    internal readonly record struct ColumnLayout(bool Fused, bool[] Posts);

    /// <summary>A shard for <see cref="BacktestRunner.RunEpisodes"/> with pooled columns laid out as it writes them.</summary>
    internal static BacktestPartial ForRun(int first, int count, int strategies, int steps, int bins, int stride, bool keepEpisodes, ColumnLayout layout) =>
        new(first, count, strategies, steps, bins, stride, keepEpisodes, layout);

    /// <summary>Hands the pooled columns back to <see cref="ColumnPool"/>. Only for a shard whose columns nothing reads any
    /// more (the single shard of <see cref="BacktestRunner.Run"/> once merged: the result keeps no column).</summary>
    internal void ReturnColumns()
    {
        foreach (var array in _rented)
        {
            switch (array)
            {
                case double[] d: ColumnPool.Return(d); break;
                case int[] i: ColumnPool.Return(i); break;
                case PassiveStats[] p: ColumnPool.Return(p); break;
            }
        }

        _rented.Clear();
    }

    private T[][] Pooled<T>(int strategies, int count)
    {
        var columns = new T[strategies][];
        for (int s = 0; s < strategies; s++) columns[s] = Pooled<T>(count);
        return columns;
    }

    private T[] Pooled<T>(int count)
    {
        var array = ColumnPool.Rent<T>(count);
        _rented.Add(array);
        return array;
    }

    private T[] ZeroColumn<T>(int count)
    {
        var array = ColumnPool.RentCleared<T>(count);
        _rented.Add(array);
        return array;
    }

    private static T[][] Shared<T>(T[] column, int strategies)
    {
        var columns = new T[strategies][];
        Array.Fill(columns, column);
        return columns;
    }

    private static T[][] Columns<T>(int strategies, int count)
    {
        var columns = new T[strategies][];
        for (int s = 0; s < strategies; s++) columns[s] = new T[count];
        return columns;
    }

    /// <summary>A column as a flag (0: every value's bits are zero, nothing follows; 1: the values follow, as
    /// <see cref="ReadValues{T}"/> reads them).</summary>
    private static void WriteColumn<T>(BinaryWriter w, T[] values)
        where T : unmanaged
    {
        if (MemoryMarshal.AsBytes(values.AsSpan()).IndexOfAnyExcept((byte)0) < 0)
        {
            w.Write((byte)0);
            return;
        }

        w.Write((byte)1);
        if (BitConverter.IsLittleEndian && (typeof(T) != typeof(PassiveStats) || PassiveIsSixDoubles))
        {
            w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        foreach (var v in values)
        {
            switch (v)
            {
                case double d: w.Write(d); break;
                case int i: w.Write(i); break;
                case PassiveStats x:
                    w.Write(x.Posted);
                    w.Write(x.Filled);
                    w.Write(x.Crossed);
                    w.Write(x.SpreadCaptured);
                    w.Write(x.MarkoutCost);
                    w.Write(x.MarkoutQuantity);
                    break;
            }
        }
    }

    /// <summary>Reads a column written by <see cref="WriteColumn{T}"/> into <paramref name="values"/> (which start all zero).</summary>
    private static void ReadColumn<T>(BinaryReader r, T[] values)
        where T : unmanaged
    {
        switch (r.ReadByte())
        {
            case 0: return;
            case 1: ReadValues(r, values); return;
            default: throw new InvalidDataException("A stored backtest shard has a damaged column.");
        }
    }

    /// <summary>Reads <paramref name="values"/> as BinaryWriter writes each (little-endian doubles and integers; a passive
    /// record as its six doubles in order), in one copy where memory already holds them so.</summary>
    private static void ReadValues<T>(BinaryReader r, T[] values)
        where T : unmanaged
    {
        if (BitConverter.IsLittleEndian && (typeof(T) != typeof(PassiveStats) || PassiveIsSixDoubles))
        {
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            object v = typeof(T) == typeof(double) ? r.ReadDouble()
                : typeof(T) == typeof(int) ? r.ReadInt32()
                : new PassiveStats(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            values[i] = (T)v;
        }
    }

    private static bool PassiveLayoutIsSequential()
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<PassiveStats>() != 6 * sizeof(double)) return false;
        Span<PassiveStats> one = [new PassiveStats(1, 2, 3, 4, 5, 6)];
        var doubles = MemoryMarshal.Cast<PassiveStats, double>(one);
        for (int i = 0; i < 6; i++)
        {
            if (doubles[i] != i + 1) return false;
        }

        return true;
    }
}
