namespace Gatehouse.Testing;

/// <summary>The last lines a child process wrote, oldest first, for a failure message that says what it was doing.</summary>
internal sealed class RecentLines(int capacity = 200)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join('\n', _lines);
        }
    }
}
