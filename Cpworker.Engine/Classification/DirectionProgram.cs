using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cpworker.Engine.Classification;

/// <summary>
/// A compiled direction pattern: a flat array of tests wired like a decision diagram, so that
/// <c>and</c>/<c>or</c> short-circuit by jumping and evaluation needs no stack, no recursion and
/// no allocation. Immutable once built; safe to use from any number of threads.
/// </summary>
/// <remarks>
/// Every jump goes to a lower index or to a terminal (the compiler emits operands after their
/// targets), so evaluation takes at most <see cref="Length"/> steps.
/// </remarks>
internal sealed class DirectionProgram
{
    /// <summary>Terminal jump target: the pattern holds.</summary>
    public const int Match = -1;

    /// <summary>Terminal jump target: the pattern does not hold.</summary>
    public const int NoMatch = -2;

    private readonly DirectionInstruction[] _instructions;
    private readonly int _entry;

    /// <summary>Creates a program starting at <paramref name="entry"/>; the array becomes the program's.</summary>
    public DirectionProgram(DirectionInstruction[] instructions, int entry)
    {
        for (int i = 0; i < instructions.Length; i++)
        {
            if (!IsValidTarget(instructions[i].IfTrue, i) || !IsValidTarget(instructions[i].IfFalse, i))
            {
                throw new ArgumentException($"instruction {i} jumps forward or out of the program", nameof(instructions));
            }
        }

        if (!IsValidTarget(entry, instructions.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(entry));
        }

        _instructions = instructions;
        _entry = entry;
    }

    /// <summary>Number of tests.</summary>
    public int Length => _instructions.Length;

    /// <summary>True when <paramref name="endpoint"/> (address and port of one side of a packet) satisfies the pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Matches(in PacketEndpoint endpoint)
    {
        ref DirectionInstruction first = ref MemoryMarshal.GetArrayDataReference(_instructions);
        int pc = _entry;
        while (pc >= 0)
        {
            // In range: the constructor checked every target.
            ref DirectionInstruction instruction = ref Unsafe.Add(ref first, pc);
            int next = instruction.Test(endpoint) ? instruction.IfTrue : instruction.IfFalse;
            Debug.Assert(next < pc);
            pc = next;
        }

        return pc == Match;
    }

    private static bool IsValidTarget(int target, int from) =>
        target is Match or NoMatch || (target >= 0 && target < from);
}
