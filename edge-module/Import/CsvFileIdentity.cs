using System.IO.Hashing;
using System.Text;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// A CSV file's identity and whether its bytes are text in the configured encoding, from one sequential read of the
/// whole file (1 MiB at a time: memory does not depend on the file's size). Identity is the file's name plus the
/// XxHash128 of its bytes, so a new file that reuses a name, a size and a modification time is still a new file.
/// <para>Text, here, is what the encoding defines and never a C1 control character (U+0080–U+009F): no data logger or
/// spreadsheet writes one, and they are what a wrong encoding leaves — .NET's windows-1252 decodes the five bytes that
/// code page does not define (0x81, 0x8D, 0x8F, 0x90, 0x9D) to U+0081… instead of failing, and iso-8859-1 decodes
/// windows-1252's €, ‚, „ … (0x80–0x9F) to C1 controls. Such a file is set aside naming the byte and its offset.
/// C0 controls are left to the rows (a value holding one is not a number: that row is quarantined) and the header
/// (<see cref="CsvHeader"/> refuses a name holding one).</para>
/// <para>A UTF-8 byte-order mark (EF BB BF) says UTF-8: such a file is read as UTF-8 whatever the configured encoding
/// (<see cref="Encoding"/>, <see cref="BomOverrides"/>).</para>
/// </summary>
/// <param name="ContentHash">XxHash128 of the bytes, 32 lowercase hex digits.</param>
/// <param name="Length">Bytes read.</param>
/// <param name="EncodingProblem">Null when every byte decodes to text; otherwise where and why not, naming the encoding.</param>
/// <param name="Encoding">The (strict) encoding the file is read in: the configured one, or UTF-8 for a file with a UTF-8 BOM.</param>
internal sealed record CsvFileIdentity(string ContentHash, long Length, string? EncodingProblem, Encoding Encoding)
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>True when the file's UTF-8 BOM made it read as UTF-8 instead of the configured encoding.</summary>
    public bool BomOverrides { get; init; }

    /// <summary>Reads <paramref name="path"/> once; IO errors propagate.</summary>
    /// <param name="encoding">The configured encoding (strict: <see cref="CsvDialect.Strict"/>).</param>
    public static CsvFileIdentity Read(string path, Encoding encoding)
    {
        var hash = new XxHash128();
        var buffer = new byte[1 << 20];
        string? problem = null;
        long offset = 0, decodedBytes = 0;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        var n = file.ReadAtLeast(buffer, Utf8Bom.Length, throwOnEndOfStream: false);
        var bomOverrides = buffer.AsSpan(0, n).StartsWith(Utf8Bom) && encoding is not UTF8Encoding;
        if (bomOverrides) encoding = CsvDialect.Strict("utf-8");
        var decoder = encoding.GetDecoder();
        // Decoded (not only counted: GetCharCount keeps no state, so a sequence cut at a read's end — or left incomplete
        // at the file's end — would go unseen) into scratch chars the reader's strict decoding will also produce.
        var chars = new char[encoding.GetMaxCharCount(buffer.Length)];
        for (; n > 0; n = file.Read(buffer))
        {
            hash.Append(buffer.AsSpan(0, n));
            problem ??= Check(decoder, buffer.AsSpan(0, n), chars, offset, ref decodedBytes, flush: false, encoding);
            offset += n;
        }
        problem ??= Check(decoder, [], chars, offset, ref decodedBytes, flush: true, encoding);
        return new CsvFileIdentity(Convert.ToHexStringLower(hash.GetCurrentHash()), offset, problem, encoding) { BomOverrides = bomOverrides };
    }

    /// <summary>Decodes the next bytes; <paramref name="decodedBytes"/> counts the bytes of the characters decoded so far.</summary>
    private static string? Check(Decoder decoder, ReadOnlySpan<byte> bytes, Span<char> chars, long offset, ref long decodedBytes, bool flush, Encoding encoding)
    {
        int count;
        try
        {
            count = decoder.GetChars(bytes, chars, flush);
        }
        catch (DecoderFallbackException e)
        {
            var at = offset + Math.Max(0, e.Index);
            var what = e.BytesUnknown is { Length: > 0 } b ? " (0x" + Convert.ToHexString(b) + ")" : "";
            return $"is not valid {encoding.WebName}: the byte at offset {at}{what} does not decode; set --csv-encoding to the encoding the file was written in (e.g. windows-1252)";
        }
        var text = chars[..count];
        var c1 = text.IndexOfAnyInRange('\u0080', '\u009F');
        if (c1 < 0)
        {
            decodedBytes += encoding.IsSingleByte ? count : encoding.GetByteCount(text);
            return null;
        }
        var at1 = decodedBytes + (encoding.IsSingleByte ? c1 : encoding.GetByteCount(text[..c1]));
        var raw = encoding.IsSingleByte ? bytes.Slice(c1, 1).ToArray() : encoding.GetBytes([text[c1]]);
        var which = raw.Length == 1 ? $"the byte at offset {at1} (0x{raw[0]:X2}) decodes" : $"the bytes at offset {at1} (0x{Convert.ToHexString(raw)}) decode";
        return $"is not {encoding.WebName} text: {which} to the C1 control character U+{(int)text[c1]:X4}, which no text holds " +
               "(windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined); set --csv-encoding to the encoding the file was written in";
    }
}
