using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Portal.Domain.Simulation;

/// <summary>
/// e^x of four doubles with the operations <see cref="Vector256.Exp(Vector256{double})"/> runs on a processor with fused
/// multiply-add, inlined into the caller so that no call splits a loop that keeps its state in vector registers.
/// </summary>
/// <remarks>
/// The runtime's vector exponential (.NET 10, <c>VectorMath.ExpDouble</c>, after AMD's <c>vrd2_exp</c> from
/// aocl-libm-ose): with n the nearest integer to x/ln 2 (one fused multiply-add with 1.5·2⁵², whose low bits then hold
/// n) and r = x − n·ln 2 (ln 2 as a head and a tail, two fused multiply-adds), e^x = 2ⁿ·e^r, e^r a polynomial of degree
/// 12 in r (Estrin's scheme), 2ⁿ written into the exponent field. When any lane has |x| above 0x4086200000000000
/// (≈ 708.4), or is NaN or infinite, every lane is computed by <see cref="Math.Exp"/>, as the runtime does. The same bits
/// as <see cref="Vector256.Exp(Vector256{double})"/> in optimised code are checked by <c>VectorExponentialTests</c> over
/// random arguments and bit patterns, the edges of the fast path, ±708, ±∞, NaN and subnormal results. (The runtime's
/// precompiled form, which unoptimised callers run, falls back to the scalar exponential on other vectors near and
/// beyond the limit, and the two differ in the last bit there; on the fast path they agree.) Callers must check <see cref="System.Runtime.Intrinsics.X86.Fma.IsSupported"/>: the runtime's
/// multiply-adds are fused only there.
/// </remarks>
internal static class VectorExponential
{
    private const ulong ArgumentMax = 0x4086200000000000;
    private const double Shifter = 6755399441055744; // 1.5·2⁵²: adding it rounds to an integer held in the low bits

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        if (Vector256.GreaterThanAny(Vector256.Abs(x).AsUInt64(), Vector256.Create(ArgumentMax))) return Fallback(x);

        var dn = Vector256.FusedMultiplyAdd(x, Vector256.Create(Reduction), Vector256.Create(Shifter));
        var n = dn.AsUInt64();
        dn -= Vector256.Create(Shifter);
        var r = Vector256.FusedMultiplyAdd(dn, Vector256.Create(-Ln2Head), x);
        r = Vector256.FusedMultiplyAdd(dn, Vector256.Create(-Ln2Tail), r);
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var high = Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.Create(C12), r, Vector256.Create(C11)),
            r2,
            Vector256.FusedMultiplyAdd(Vector256.Create(C10), r, Vector256.Create(C09)));
        var middle = Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.Create(C08), r, Vector256.Create(C07)),
            r2,
            Vector256.FusedMultiplyAdd(Vector256.Create(C06), r, Vector256.Create(C05)));
        var low = Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.Create(C04), r, Vector256.Create(C03)),
            r2,
            r + Vector256<double>.One);
        var poly = Vector256.FusedMultiplyAdd(high, r8, Vector256.FusedMultiplyAdd(middle, r4, low));
        return poly * ((n + Vector256.Create(1023UL)) << 52).AsDouble();
    }

    /// <summary>Every lane by the scalar exponential, as the runtime does when a lane is outside the fast path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> Fallback(Vector256<double> x) =>
        Vector256.Create(Math.Exp(x[0]), Math.Exp(x[1]), Math.Exp(x[2]), Math.Exp(x[3]));

    // The reduction: 1/ln 2, and ln 2 as a head with few significant bits and a tail.
    private const double Reduction = 1.4426950408889634;
    private const double Ln2Head = 0.693359375;
    private const double Ln2Tail = -0.00021219444005469057;

    private const double C03 = 0.5000000000000018;
    private const double C04 = 0.1666666666666617;
    private const double C05 = 0.04166666666649277;
    private const double C06 = 0.008333333333559272;
    private const double C07 = 0.001388888895122404;
    private const double C08 = 0.00019841269432677495;
    private const double C09 = 2.4801486521374483E-05;
    private const double C10 = 2.7557622532543023E-06;
    private const double C11 = 2.7632293298250954E-07;
    private const double C12 = 2.499430431958571E-08;
}
