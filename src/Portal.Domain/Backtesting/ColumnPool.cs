namespace Portal.Domain.Backtesting;

/// <summary>
/// Per-episode result columns and summary scratch arrays kept between runs of the same process, so that a run does not pay
/// for fresh pages (page faults and clearing) on tens of megabytes of columns it writes once and reads once.
/// </summary>
/// <remarks>Arrays are handed out with exactly the length asked for and with whatever a previous run left in them: a caller
/// either overwrites every element or asks for <see cref="RentCleared{T}"/>. At most <see cref="MaxBytes"/> are kept; arrays
/// returned beyond that are left to the garbage collector.</remarks>
internal static class ColumnPool
{
    /// <summary>Bytes of arrays kept at most (a 100,000-episode run of six schedules uses about 30 MB).</summary>
    public const long MaxBytes = 96L << 20;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<(Type Type, int Length), Stack<Array>> Free = [];
    private static long _bytes;

    /// <summary>An array of exactly <paramref name="length"/> elements, contents unspecified.</summary>
    public static T[] Rent<T>(int length)
    {
        if (length == 0) return [];
        lock (Gate)
        {
            if (Free.TryGetValue((typeof(T), length), out var stack) && stack.TryPop(out var array))
            {
                _bytes -= BytesOf<T>(length);
                return (T[])array;
            }
        }

        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>An array of exactly <paramref name="length"/> elements, all default.</summary>
    public static T[] RentCleared<T>(int length)
    {
        var array = Rent<T>(length);
        Array.Clear(array);
        return array;
    }

    /// <summary>Hands <paramref name="array"/> back; the caller must not use it afterwards.</summary>
    public static void Return<T>(T[] array)
    {
        if (array.Length == 0) return;
        long bytes = BytesOf<T>(array.Length);
        lock (Gate)
        {
            if (_bytes + bytes > MaxBytes) return;
            if (!Free.TryGetValue((typeof(T), array.Length), out var stack)) Free[(typeof(T), array.Length)] = stack = new Stack<Array>();
            foreach (var kept in stack)
            {
                if (ReferenceEquals(kept, array)) return;
            }

            stack.Push(array);
            _bytes += bytes;
        }
    }

    private static long BytesOf<T>(int length) => (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
}
