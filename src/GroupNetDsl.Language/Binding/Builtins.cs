using System;
using System.Collections.Generic;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Language.Binding;

/// <summary>Arithmetic on block parameters, with Python's meaning (so a ported module computes the same sizes).</summary>
internal static class Builtins
{
    public static readonly string[] FunctionNames = { "round", "floor", "ceil", "int", "float", "min", "max", "abs" };

    public static bool IsFunction(string name) => Array.IndexOf(FunctionNames, name) >= 0;

    public static Value Call(CallSyntax call, List<Value> arguments, Binder binder)
    {
        foreach (var argument in arguments)
        {
            if (argument is ErrorValue) return argument;
            if (argument is not (IntValue or FloatValue))
            {
                binder.Report(DiagnosticDescriptors.WrongType, call.Location, $"argument of '{call.Callee.Name}'", "a number", argument.Describe());
                return ErrorValue.Instance;
            }
        }

        string name = call.Callee.Name;
        int expected = name is "min" or "max" ? -1 : 1;
        if ((expected == 1 && arguments.Count != 1) || (expected == -1 && arguments.Count < 2))
        {
            binder.Report(DiagnosticDescriptors.InvalidExpression, call.Location, name, expected == 1 ? $"'{name}' takes one number" : $"'{name}' takes two or more numbers");
            return ErrorValue.Instance;
        }

        switch (name)
        {
            // Python 3's round() rounds half to even; the seed computes hidden = int(round(cout * ratio)).
            case "round": return ToInteger(call, Math.Round(AsDouble(arguments[0]), MidpointRounding.ToEven), binder);
            case "floor": return ToInteger(call, Math.Floor(AsDouble(arguments[0])), binder);
            case "ceil": return ToInteger(call, Math.Ceiling(AsDouble(arguments[0])), binder);
            case "int": return ToInteger(call, Math.Truncate(AsDouble(arguments[0])), binder);
            case "float": return new FloatValue(AsDouble(arguments[0]));
            case "abs": return arguments[0] is IntValue i ? new IntValue(Math.Abs(i.Value)) : new FloatValue(Math.Abs(AsDouble(arguments[0])));
            default:
            {
                Value best = arguments[0];
                for (int k = 1; k < arguments.Count; k++)
                {
                    bool better = name == "min" ? AsDouble(arguments[k]) < AsDouble(best) : AsDouble(arguments[k]) > AsDouble(best);
                    if (better) best = arguments[k];
                }
                return best;
            }
        }
    }

    public static Value Unary(UnarySyntax unary, Value operand, Binder binder)
    {
        if (operand is ErrorValue) return operand;
        switch (unary.Operator, operand)
        {
            case (TokenKind.Minus, IntValue i): return new IntValue(-i.Value);
            case (TokenKind.Minus, FloatValue f): return new FloatValue(-f.Value);
            case (TokenKind.Bang, BoolValue b): return new BoolValue(!b.Value);
            default:
                binder.Report(DiagnosticDescriptors.WrongType, unary.Location, "the operand", unary.Operator == TokenKind.Bang ? "true or false" : "a number", operand.Describe());
                return ErrorValue.Instance;
        }
    }

    public static Value Binary(BinarySyntax binary, Value left, Value right, Binder binder)
    {
        if (left is ErrorValue) return left;
        if (right is ErrorValue) return right;
        var op = binary.Operator;

        if (op is TokenKind.AndAnd or TokenKind.OrOr)
        {
            if (left is BoolValue a && right is BoolValue b) return new BoolValue(op == TokenKind.AndAnd ? a.Value && b.Value : a.Value || b.Value);
            binder.Report(DiagnosticDescriptors.WrongType, binary.Location, "the operands of '&&'/'||'", "true or false", (left is BoolValue ? right : left).Describe());
            return ErrorValue.Instance;
        }

        if (op is TokenKind.EqualsEquals or TokenKind.BangEquals && left is BoolValue l && right is BoolValue r)
        {
            return new BoolValue((l.Value == r.Value) == (op == TokenKind.EqualsEquals));
        }

        if (left is not (IntValue or FloatValue) || right is not (IntValue or FloatValue))
        {
            binder.Report(DiagnosticDescriptors.WrongType, binary.Location, "the operands", "numbers", (left is IntValue or FloatValue ? right : left).Describe());
            return ErrorValue.Instance;
        }

        bool integers = left is IntValue && right is IntValue;
        double x = AsDouble(left), y = AsDouble(right);
        switch (op)
        {
            case TokenKind.EqualsEquals: return new BoolValue(x == y);
            case TokenKind.BangEquals: return new BoolValue(x != y);
            case TokenKind.Less: return new BoolValue(x < y);
            case TokenKind.LessEquals: return new BoolValue(x <= y);
            case TokenKind.Greater: return new BoolValue(x > y);
            case TokenKind.GreaterEquals: return new BoolValue(x >= y);
        }

        if (op is TokenKind.Slash or TokenKind.SlashSlash or TokenKind.Percent && y == 0)
        {
            binder.Report(DiagnosticDescriptors.InvalidExpression, binary.Location, "division", "the divisor is zero");
            return ErrorValue.Instance;
        }

        if (integers)
        {
            long a = ((IntValue)left).Value, b = ((IntValue)right).Value;
            try
            {
                switch (op)
                {
                    case TokenKind.Plus: return Checked(binary, checked(a + b), binder);
                    case TokenKind.Minus: return Checked(binary, checked(a - b), binder);
                    case TokenKind.Star: return Checked(binary, checked(a * b), binder);
                    case TokenKind.SlashSlash: return new IntValue(FloorDivide(a, b));
                    case TokenKind.Percent: return new IntValue(a - b * FloorDivide(a, b));
                    case TokenKind.Slash: return new FloatValue((double)a / b);
                }
            }
            catch (OverflowException)
            {
                return Overflow(binary, binder);
            }
        }

        double result = op switch
        {
            TokenKind.Plus => x + y,
            TokenKind.Minus => x - y,
            TokenKind.Star => x * y,
            TokenKind.Slash => x / y,
            TokenKind.SlashSlash => Math.Floor(x / y),
            TokenKind.Percent => x - y * Math.Floor(x / y),
            _ => double.NaN,
        };
        if (double.IsNaN(result) || double.IsInfinity(result)) return Overflow(binary, binder);
        return new FloatValue(result);
    }

    private static long FloorDivide(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }

    private static Value Checked(BinarySyntax binary, long value, Binder binder) =>
        Math.Abs(value) > int.MaxValue ? Overflow(binary, binder) : new IntValue(value);

    private static Value ToInteger(CallSyntax call, double value, Binder binder)
    {
        if (double.IsNaN(value) || Math.Abs(value) > int.MaxValue)
        {
            binder.Report(DiagnosticDescriptors.InvalidExpression, call.Location, call.Callee.Name, "the result is not a representable integer");
            return ErrorValue.Instance;
        }
        return new IntValue((long)value);
    }

    private static ErrorValue Overflow(BinarySyntax binary, Binder binder)
    {
        binder.Report(DiagnosticDescriptors.InvalidExpression, binary.Location, "arithmetic", $"the result is out of range (beyond {int.MaxValue})");
        return ErrorValue.Instance;
    }

    private static double AsDouble(Value value) => value switch
    {
        IntValue i => i.Value,
        FloatValue f => f.Value,
        _ => double.NaN,
    };
}
