using System.Globalization;
using System.Text;
using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

/// <summary>
/// Writes a one-level LOBSTER message/orderbook pair for a market with a known cost distribution and reads it back through
/// <see cref="LobsterParser"/>: the mid is a symmetric random walk on the price grid (each snapshot it moves ±<see cref="StepTicks"/>
/// ticks with probability ½ each, a martingale), the spread is constant at 2·<see cref="HalfSpreadTicks"/> ticks and both sides
/// show <see cref="Depth"/> shares. Each snapshot is a LOBSTER "submit" message (type 1) of the whole new ask level and the
/// book after it, so every row follows from its message as the parser checks.
/// </summary>
internal sealed record SyntheticLobster
{
    /// <summary>LOBSTER prices are integers in units of 1/10,000 dollar.</summary>
    public const double Tick = 1e-4;

    public double Seconds { get; init; } = 3600;
    public double SnapshotSeconds { get; init; } = 1;
    public long S0Ticks { get; init; } = 1_000_000;
    public long HalfSpreadTicks { get; init; } = 100;
    public long StepTicks { get; init; } = 20;
    public long Depth { get; init; } = 10_000;
    public int Seed { get; init; } = 1;

    public (string Message, string Orderbook) Write()
    {
        var rng = new Random(Seed);
        var c = CultureInfo.InvariantCulture;
        var message = new StringBuilder();
        var book = new StringBuilder();
        long mid = S0Ticks;
        int n = (int)Math.Floor(Seconds / SnapshotSeconds) + 1;
        for (int i = 0; i < n; i++)
        {
            if (i > 0) mid += rng.Next(2) == 0 ? -StepTicks : StepTicks;
            double t = 34_200 + i * SnapshotSeconds;
            long ask = mid + HalfSpreadTicks, bid = mid - HalfSpreadTicks;
            message.Append(c, $"{t:0.000000000},1,{i + 1},{Depth},{ask},-1\n");
            book.Append(c, $"{ask},{Depth},{bid},{Depth}\n");
        }

        return (message.ToString(), book.ToString());
    }

    public MarketDataset Read()
    {
        var (m, b) = Write();
        using var ms = new MarketDataSource("SYN_2024-01-02_34200000_57600000_message_1.csv", new MemoryStream(Encoding.ASCII.GetBytes(m)));
        using var bs = new MarketDataSource("SYN_2024-01-02_34200000_57600000_orderbook_1.csv", new MemoryStream(Encoding.ASCII.GetBytes(b)));
        return LobsterParser.Parse(ms, bs);
    }
}
