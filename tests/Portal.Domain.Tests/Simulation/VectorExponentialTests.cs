using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

/// <summary>The inlined vector exponential (<see cref="VectorExponential"/>) gives the bits of the runtime's
/// <see cref="Vector256.Exp(Vector256{double})"/> for every argument, so the fused kernel's volumes and prices do not move.</summary>
public class VectorExponentialTests
{
    /// <summary>The runtime's exponential as optimised code runs it (inlined into the caller), which is how the engine's loops
    /// run it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<double> Runtime(Vector256<double> x) => Vector256.Exp(x);

    /// <summary>The runtime's exponential called from unoptimised code (a loop's first iterations in tier-0 code), which runs
    /// its precompiled form: that decides differently when to send a vector to the scalar fall-back (a lane near or beyond
    /// |x| ≈ 708), so it is compared only on the fast path.</summary>
    [MethodImpl(MethodImplOptions.NoOptimization | MethodImplOptions.NoInlining)]
    private static Vector256<double> RuntimeCalled(Vector256<double> x) => Vector256.Exp(x);

    /// <summary>The inlined exponential, inlined into optimised code as in the kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<double> Inlined(Vector256<double> x) => VectorExponential.Exp(x);

    /// <summary>The inlined exponential called from unoptimised code: it is compiled optimised on its own.</summary>
    [MethodImpl(MethodImplOptions.NoOptimization | MethodImplOptions.NoInlining)]
    private static Vector256<double> Called(Vector256<double> x) => VectorExponential.Exp(x);

    private static void AssertSameBits(Vector256<double> x)
    {
        var expected = Runtime(x);
        AssertSameBits(x, expected, Inlined(x));
        AssertSameBits(x, expected, Called(x));
    }

    private static void AssertSameBits(Vector256<double> x, Vector256<double> expected, Vector256<double> actual)
    {
        for (int l = 0; l < 4; l++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[l]) == BitConverter.DoubleToInt64Bits(actual[l]),
                $"exp({x[l]:R}) (lane {l} of {x}): runtime {expected[l]:R}, other {actual[l]:R}");
        }
    }

    [Fact]
    public void Random_arguments_give_the_runtime_bits()
    {
        Assert.True(Fma.IsSupported, "the kernel that uses the inlined exponential runs only with fused multiply-add");
        var random = new Random(20261203);
        for (int i = 0; i < 200_000; i++)
        {
            // Half the draws at the scale of the kernel's arguments (volume noise, price steps), half across the fast path.
            double scale = i % 2 == 0 ? 3 : 708.3;
            AssertSameBits(Vector256.Create(
                (random.NextDouble() * 2 - 1) * scale,
                (random.NextDouble() * 2 - 1) * scale,
                (random.NextDouble() * 2 - 1) * scale,
                (random.NextDouble() * 2 - 1) * scale));
        }
    }

    /// <summary>Every argument the engine passes (a price step's drift and volatility times a normal, a volume's noise) is a
    /// few units at most: there the runtime's exponential gives the same bits from unoptimised and optimised code, so a
    /// run's results do not depend on how far the JIT has got with its loops. (The precompiled form answers until the runtime
    /// has compiled <c>Vector256.Exp</c> again after its first calls; <c>DOTNET_TC_CallCounting=0</c> keeps it for a whole run.)</summary>
    [Fact]
    public void On_the_fast_path_the_runtime_gives_the_same_bits_from_unoptimised_code()
    {
        var random = new Random(3);
        for (int i = 0; i < 200_000; i++)
        {
            double scale = i % 2 == 0 ? 3 : 700;
            var x = Vector256.Create(
                (random.NextDouble() * 2 - 1) * scale,
                (random.NextDouble() * 2 - 1) * scale,
                (random.NextDouble() * 2 - 1) * scale,
                (random.NextDouble() * 2 - 1) * scale);
            AssertSameBits(x, Runtime(x), RuntimeCalled(x));
        }

    }

    /// <summary>The runtime's generic exponential of <see cref="Vector{T}"/>, as the general engine called it before, in
    /// optimised code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector<double> RuntimeGeneric(Vector<double> x) => Vector.Exp(x);

    /// <summary>The general engine's exponential (<see cref="MarketBlock.Exp"/>), inlined into optimised code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector<double> Engine(Vector<double> x) => MarketBlock.Exp(x);

    /// <summary><see cref="MarketBlock"/>'s exponential gives the bits of <see cref="Vector.Exp(Vector{double})"/>, which it
    /// called before, on whatever this process runs (the inlined exponential with four lanes and fused multiply-add, the
    /// runtime's otherwise): random arguments at the engine's scale and across the fast path, its edges and special values.</summary>
    [Fact]
    public void The_general_engines_exponential_gives_the_bits_of_the_runtimes_generic_one()
    {
        var random = new Random(15);
        var lanes = new double[Vector<double>.Count];
        void Check()
        {
            var x = new Vector<double>(lanes);
            Vector<double> expected = RuntimeGeneric(x), actual = Engine(x);
            for (int l = 0; l < lanes.Length; l++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[l]) == BitConverter.DoubleToInt64Bits(actual[l]),
                    $"exp({x[l]:R}) (lane {l} of {x}): Vector.Exp {expected[l]:R}, MarketBlock.Exp {actual[l]:R}");
            }
        }
        for (int i = 0; i < 200_000; i++)
        {
            double scale = i % 2 == 0 ? 3 : 708.3;
            for (int l = 0; l < lanes.Length; l++) lanes[l] = (random.NextDouble() * 2 - 1) * scale;
            Check();
        }
        foreach (double a in new[] { 0, -0.0, 1e-300, 708, -708, 709.78, -745.1, -746, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.MaxValue })
        {
            Array.Fill(lanes, a);
            Check();
            Array.Fill(lanes, 0.25);
            lanes[^1] = a;
            Check();
        }
    }

    [Fact]
    public void Random_bit_patterns_give_the_runtime_bits()
    {
        var random = new Random(7);
        Span<byte> bytes = stackalloc byte[32];
        for (int i = 0; i < 100_000; i++)
        {
            random.NextBytes(bytes);
            AssertSameBits(Vector256.Create<byte>(bytes).AsDouble());
        }
    }

    [Fact]
    public void Edges_of_the_fast_path_and_special_values_give_the_runtime_bits()
    {
        double limit = BitConverter.Int64BitsToDouble(0x4086200000000000);
        double[] values =
        [
            0, -0.0, 1, -1, 1e-300, -1e-300, double.Epsilon, -double.Epsilon, 0.5 * Math.Log(2), Math.Log(2), -Math.Log(2),
            708, -708, 708.39, -708.39, 709, -709, 709.78, -709.78, 710, -710, 744, -744, -745.1, -746, 1000, -1000,
            limit, -limit, Math.BitIncrement(limit), -Math.BitIncrement(limit), Math.BitDecrement(limit), -Math.BitDecrement(limit),
            -708.5, -720, -730, -740, // subnormal results, by the scalar fall-back
            -707, -707.9, -708.3, // the smallest normal results of the fast path
            double.PositiveInfinity, double.NegativeInfinity, double.NaN, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000001)),
            double.MaxValue, double.MinValue, 1e-17, -1e-17, 36.7368005696771, -36.04365338911715,
        ];

        foreach (double a in values)
        {
            // Alone (every lane the same) and beside ordinary arguments, which go to the fall-back with it when it is outside.
            AssertSameBits(Vector256.Create(a));
            AssertSameBits(Vector256.Create(a, 0.25, -1.5, 3));
            AssertSameBits(Vector256.Create(0.25, -1.5, 3, a));
        }

        // Every lane a neighbour of ±708 and of the fast path's limit, a few thousand ulps either way.
        foreach (double centre in new[] { 708, -708, limit, -limit })
        {
            double y = centre;
            for (int i = 0; i < 2000; i++) y = Math.BitDecrement(y);
            for (int i = 0; i < 4000; i += 4)
            {
                double y1 = Math.BitIncrement(y), y2 = Math.BitIncrement(y1), y3 = Math.BitIncrement(y2);
                AssertSameBits(Vector256.Create(y, y1, y2, y3));
                y = Math.BitIncrement(y3);
            }
        }
    }
}
