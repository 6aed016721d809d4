using System.Collections.Generic;

namespace GroupNetDsl.Language.Text;

/// <summary>The text of one declaration source (a .gnet file, or a C# class's attributes) and its line map.</summary>
public sealed class SourceDocument
{
    private readonly int[] _lineStarts;

    public SourceDocument(string filePath, string text)
    {
        FilePath = filePath;
        Text = text ?? string.Empty;
        var starts = new List<int> { 0 };
        for (int i = 0; i < Text.Length; i++)
        {
            if (Text[i] == '\n') starts.Add(i + 1);
        }
        _lineStarts = starts.ToArray();
    }

    public string FilePath { get; }

    public string Text { get; }

    public SourceLocation Locate(int start, int length)
    {
        if (start < 0) start = 0;
        if (start > Text.Length) start = Text.Length;
        if (length < 0) length = 0;
        if (start + length > Text.Length) length = Text.Length - start;
        var (line, column) = Position(start);
        var (endLine, endColumn) = Position(start + length);
        return new SourceLocation(FilePath, start, length, line, column, endLine, endColumn);
    }

    private (int Line, int Column) Position(int offset)
    {
        int low = 0, high = _lineStarts.Length - 1;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (_lineStarts[mid] <= offset) low = mid; else high = mid - 1;
        }
        return (low + 1, offset - _lineStarts[low] + 1);
    }
}
