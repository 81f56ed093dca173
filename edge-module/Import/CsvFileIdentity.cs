using System.IO.Hashing;
using System.Text;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// A CSV file's identity and whether its bytes are text in the configured encoding, from one sequential read of the
/// whole file (1 MiB at a time: memory does not depend on the file's size). Identity is the file's name plus the
/// XxHash128 of its bytes, so a new file that reuses a name, a size and a modification time is still a new file.
/// </summary>
/// <param name="ContentHash">XxHash128 of the bytes, 32 lowercase hex digits.</param>
/// <param name="Length">Bytes read.</param>
/// <param name="EncodingProblem">Null when every byte decodes; otherwise where and why not, naming the encoding.</param>
internal sealed record CsvFileIdentity(string ContentHash, long Length, string? EncodingProblem)
{
    /// <summary>Reads <paramref name="path"/> once; IO errors propagate.</summary>
    public static CsvFileIdentity Read(string path, Encoding encoding)
    {
        var hash = new XxHash128();
        var decoder = encoding.GetDecoder();
        var buffer = new byte[1 << 20];
        // Decoded (not only counted: GetCharCount keeps no state, so a sequence cut at a read's end — or left incomplete
        // at the file's end — would go unseen) into scratch chars the reader's strict decoding will also produce.
        var chars = new char[encoding.GetMaxCharCount(buffer.Length)];
        string? problem = null;
        long offset = 0;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        int n;
        while ((n = file.Read(buffer)) > 0)
        {
            hash.Append(buffer.AsSpan(0, n));
            if (problem is null) problem = Check(decoder, buffer.AsSpan(0, n), chars, offset, flush: false, encoding);
            offset += n;
        }
        problem ??= Check(decoder, [], chars, offset, flush: true, encoding);
        return new CsvFileIdentity(Convert.ToHexStringLower(hash.GetCurrentHash()), offset, problem);
    }

    private static string? Check(Decoder decoder, ReadOnlySpan<byte> bytes, Span<char> chars, long offset, bool flush, Encoding encoding)
    {
        try
        {
            decoder.GetChars(bytes, chars, flush);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            var at = offset + Math.Max(0, e.Index);
            var what = e.BytesUnknown is { Length: > 0 } b ? " (0x" + Convert.ToHexString(b) + ")" : "";
            return $"is not valid {encoding.WebName}: the byte at offset {at}{what} does not decode; set --csv-encoding to the encoding the file was written in (e.g. windows-1252)";
        }
    }
}
