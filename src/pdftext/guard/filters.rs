//! Stream filters decoded as hayro decodes them, each under a cap on what it may output, so
//! that a chain (Flate over LZW over RunLength…) is stopped at the first layer that grows too
//! large instead of after the last. Flate is read as hayro reads it: zlib, else raw deflate,
//! else as much as a lenient decoder gets out of a broken stream (a bad Adler-32, a truncated
//! block); a stream zlib refuses is no empty stream to hayro, so it is none here either.

use std::io::Read;

use flate2::read::{DeflateDecoder, ZlibDecoder};

/// A stream's filters produce more bytes than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// What decoding a chain gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// The decoded bytes.
    Bytes(Vec<u8>),
    /// An image codec (DCT, JPX, CCITT, JBIG2), encryption or an unknown filter ends the chain:
    /// what remains is not decoded here.
    Opaque,
}

/// The filter a name stands for, by its full or abbreviated name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Flate,
    Lzw,
    RunLength,
    AsciiHex,
    Ascii85,
}

impl Filter {
    fn named(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"FlateDecode" | b"Fl" => Self::Flate,
            b"LZWDecode" | b"LZW" => Self::Lzw,
            b"RunLengthDecode" | b"RL" => Self::RunLength,
            b"ASCIIHexDecode" | b"AHx" => Self::AsciiHex,
            b"ASCII85Decode" | b"A85" => Self::Ascii85,
            _ => return None,
        })
    }
}

/// A predictor applied to Flate or LZW data (`/DecodeParms`): PNG (10 to 15) or TIFF (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predictor {
    /// `/Predictor`.
    pub kind: i64,
    /// `/Colors`.
    pub colors: i64,
    /// `/BitsPerComponent`.
    pub bits: i64,
    /// `/Columns`.
    pub columns: i64,
}

impl Predictor {
    /// The data before prediction, as hayro restores it (never longer than `data`).
    fn undo(&self, data: Vec<u8>) -> Vec<u8> {
        let size = |n: i64| usize::try_from(n).unwrap_or(0).max(1);
        let (colors, bits, columns) = (size(self.colors), size(self.bits), size(self.columns));
        let pixel = (colors * bits).div_ceil(8).max(1);
        let row = colors.saturating_mul(bits).saturating_mul(columns).div_ceil(8);
        match self.kind {
            2 if bits == 8 => {
                let mut out = data;
                for line in out.chunks_mut(row.max(1)) {
                    for i in colors..line.len() {
                        line[i] = line[i].wrapping_add(line[i - colors]);
                    }
                }
                out
            }
            10..=15 => {
                let mut out: Vec<u8> = Vec::with_capacity(data.len());
                let mut previous = vec![0u8; row];
                for line in data.chunks_exact(row + 1) {
                    let (kind, line) = (line[0], &line[1..]);
                    let mut current = vec![0u8; row];
                    for i in 0..row {
                        let left = if i >= pixel { current[i - pixel] } else { 0 };
                        let up = previous[i];
                        let corner = if i >= pixel { previous[i - pixel] } else { 0 };
                        let guess = match kind {
                            1 => left,
                            2 => up,
                            3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                            4 => paeth(left, up, corner),
                            _ => 0,
                        };
                        current[i] = line[i].wrapping_add(guess);
                    }
                    out.extend_from_slice(&current);
                    previous = current;
                }
                out
            }
            _ => data,
        }
    }
}

/// PNG's Paeth predictor.
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) =
        ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// `raw` decoded by the `filters` named, in order, with the `predictors` of each; every
/// layer's output counts against `budget`, and none may exceed `cap`.
pub fn decode(
    raw: &[u8],
    filters: &[Vec<u8>],
    predictors: &[Option<Predictor>],
    cap: u64,
    budget: &mut u64,
) -> Result<Decoded, TooLarge> {
    let mut data = raw.to_vec();
    for (i, name) in filters.iter().enumerate() {
        let Some(filter) = Filter::named(name) else { return Ok(Decoded::Opaque) };
        let limit = cap.min(*budget);
        let predictor = predictors.get(i).copied().flatten();
        let unpredict = |data: Vec<u8>| match predictor {
            Some(p) => p.undo(data),
            None => data,
        };
        data = match filter {
            Filter::Flate => unpredict(inflate(&data, limit)?),
            Filter::Lzw => unpredict(lzw(&data, limit)?),
            Filter::RunLength => run_length(&data, limit)?,
            Filter::AsciiHex => ascii_hex(&data),
            Filter::Ascii85 => ascii85(&data, limit)?,
        };
        *budget = budget.checked_sub(data.len() as u64).ok_or(TooLarge)?;
    }
    Ok(Decoded::Bytes(data))
}

/// What a decoder read before it ended or failed, and whether it failed.
fn read_capped(reader: impl Read, cap: u64) -> Result<(Vec<u8>, bool), TooLarge> {
    let mut out = Vec::new();
    let failed = reader.take(cap + 1).read_to_end(&mut out).is_err();
    match out.len() as u64 > cap {
        true => Err(TooLarge),
        false => Ok((out, failed)),
    }
}

/// Flate data as hayro inflates it, at most `cap` bytes.
pub fn inflate(data: &[u8], cap: u64) -> Result<Vec<u8>, TooLarge> {
    if let (out, false) = read_capped(ZlibDecoder::new(data), cap)? {
        return Ok(out);
    }
    if let (out, false) = read_capped(DeflateDecoder::new(data), cap)? {
        return Ok(out);
    }
    // The lenient decoder skips a zlib header and keeps what decodes.
    let header = data.len() >= 2
        && data[0] & 0x0F == 8
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
        && data[1] & 0x20 == 0;
    let body = if header { &data[2..] } else { data };
    Ok(read_capped(DeflateDecoder::new(body), cap)?.0)
}

/// LZW data (early change, as PDF's default), at most `cap` bytes.
fn lzw(data: &[u8], cap: u64) -> Result<Vec<u8>, TooLarge> {
    const CLEAR: usize = 256;
    const END: usize = 257;
    const MAX_ENTRIES: usize = 4096;
    // Each entry: the entry it extends, its last byte, its first byte, its length.
    let mut table: Vec<(usize, u8, u8, usize)> =
        (0..=255u8).map(|b| (usize::MAX, b, b, 1)).collect();
    table.extend([(usize::MAX, 0, 0, 0); 2]);
    let (mut out, mut word) = (Vec::new(), Vec::new());
    let (mut bit, mut width, mut previous) = (0usize, 9usize, None::<usize>);
    while bit + width <= data.len() * 8 {
        let mut code = 0usize;
        for i in bit..bit + width {
            code = code << 1 | usize::from(data[i / 8] >> (7 - i % 8) & 1);
        }
        bit += width;
        if code == CLEAR {
            table.truncate(END + 1);
            (width, previous) = (9, None);
            continue;
        }
        if code == END {
            break;
        }
        let first = match (code < table.len() && code != CLEAR && code != END, previous) {
            (true, _) => table[code].2,
            (false, Some(p)) if code == table.len() => table[p].2,
            _ => break,
        };
        if let Some(p) = previous.filter(|_| table.len() < MAX_ENTRIES) {
            let (_, _, head, len) = table[p];
            table.push((p, first, head, len + 1));
        }
        word.clear();
        let mut at = code;
        while at != usize::MAX && word.len() < MAX_ENTRIES {
            word.push(table[at].1);
            at = table[at].0;
        }
        out.extend(word.iter().rev());
        if out.len() as u64 > cap {
            return Err(TooLarge);
        }
        previous = Some(code);
        width = match table.len() + 1 {
            n if n >= 2048 => 12,
            n if n >= 1024 => 11,
            n if n >= 512 => 10,
            _ => 9,
        };
    }
    Ok(out)
}

/// RunLength data, at most `cap` bytes.
fn run_length(data: &[u8], cap: u64) -> Result<Vec<u8>, TooLarge> {
    let (mut out, mut i) = (Vec::new(), 0);
    while let Some(&length) = data.get(i) {
        match length {
            128 => break,
            0..=127 => {
                let run = data.get(i + 1..i + 2 + usize::from(length)).unwrap_or(&data[i + 1..]);
                out.extend_from_slice(run);
                i += 2 + usize::from(length);
            }
            _ => {
                let Some(&byte) = data.get(i + 1) else { break };
                out.extend(std::iter::repeat_n(byte, 257 - usize::from(length)));
                i += 2;
            }
        }
        if out.len() as u64 > cap {
            return Err(TooLarge);
        }
    }
    Ok(out)
}

/// ASCIIHex data (half its size at most).
fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let digits = data.iter().take_while(|&&b| b != b'>').filter_map(|&b| (b as char).to_digit(16));
    let digits: Vec<u8> = digits.map(|d| d as u8).collect();
    digits.chunks(2).map(|pair| pair[0] << 4 | pair.get(1).copied().unwrap_or(0)).collect()
}

/// ASCII85 data, at most `cap` bytes (`z` stands for four zero bytes).
fn ascii85(data: &[u8], cap: u64) -> Result<Vec<u8>, TooLarge> {
    let (mut out, mut group) = (Vec::new(), Vec::with_capacity(5));
    let flush = |group: &[u8], out: &mut Vec<u8>| {
        let mut padded = [b'u' - b'!'; 5];
        padded[..group.len()].copy_from_slice(group);
        let value = padded.iter().fold(0u64, |v, &d| v * 85 + u64::from(d));
        let bytes = (value as u32).to_be_bytes();
        out.extend_from_slice(&bytes[..group.len().saturating_sub(1)]);
    };
    for &b in data {
        match b {
            b'~' => break,
            b'z' if group.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group.push(b - b'!');
                if group.len() == 5 {
                    flush(&group, &mut out);
                    group.clear();
                }
            }
            _ => {}
        }
        if out.len() as u64 > cap {
            return Err(TooLarge);
        }
    }
    if group.len() > 1 {
        flush(&group, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn names(list: &[&str]) -> Vec<Vec<u8>> {
        list.iter().map(|n| n.as_bytes().to_vec()).collect()
    }

    #[test]
    fn flate_that_zlib_refuses_is_still_decoded() {
        let good = zlib(b"[[[[ q q q");
        let mut bad_checksum = good.clone();
        *bad_checksum.last_mut().unwrap() ^= 1;
        assert_eq!(inflate(&bad_checksum, 100).unwrap(), b"[[[[ q q q");
        let raw = &good[2..good.len() - 4];
        assert_eq!(inflate(raw, 100).unwrap(), b"[[[[ q q q");
        assert_eq!(inflate(&zlib(&[b'q'; 1000]), 999), Err(TooLarge));
    }

    #[test]
    fn chains_decode_in_order_under_a_running_cap() {
        let inner = zlib(&[b'['; 5000]);
        let hex: String = inner.iter().map(|b| format!("{b:02x}")).collect();
        let chain = names(&["AHx", "FlateDecode"]);
        let mut budget = 1 << 20;
        assert_eq!(
            decode(hex.as_bytes(), &chain, &[], 1 << 20, &mut budget),
            Ok(Decoded::Bytes(vec![b'['; 5000]))
        );
        let mut budget = 4000;
        assert_eq!(decode(hex.as_bytes(), &chain, &[], 1 << 20, &mut budget), Err(TooLarge));
        let twice = zlib(&zlib(&[0; 1 << 20]));
        let flate_twice = names(&["Fl", "Fl"]);
        assert_eq!(decode(&twice, &flate_twice, &[], 1 << 19, &mut (1 << 30)), Err(TooLarge));
        let mut budget = 100;
        assert_eq!(
            decode(b"xx", &names(&["DCTDecode"]), &[], 10, &mut budget),
            Ok(Decoded::Opaque)
        );
    }

    #[test]
    fn predicted_data_is_restored_as_hayro_restores_it() {
        // "[[[[" under the PNG Sub and Up predictors (one row of 4 bytes, then another), and
        // the TIFF predictor.
        let png = [1, b'[', 0, 0, 0, 2, 0, 0, 0, 0];
        let predictor = Predictor { kind: 12, colors: 1, bits: 8, columns: 4 };
        let mut budget = 1 << 20;
        let data =
            decode(&zlib(&png), &names(&["FlateDecode"]), &[Some(predictor)], 100, &mut budget);
        assert_eq!(data, Ok(Decoded::Bytes(b"[[[[[[[[".to_vec())));
        let tiff = Predictor { kind: 2, ..predictor };
        assert_eq!(tiff.undo(vec![b'[', 0, 0, 0]), b"[[[[");
    }

    #[test]
    fn run_length_ascii85_and_lzw() {
        assert_eq!(run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], 100).unwrap(), b"abcxxx");
        assert_eq!(run_length(&[129, b'x'].repeat(10), 1000), Err(TooLarge));
        assert_eq!(ascii85(b"87cURD]i,\"Ebo80~>", 100).unwrap(), b"Hello World!");
        assert_eq!(ascii85(b"zz", 100).unwrap(), [0; 8]);
        assert_eq!(ascii_hex(b"48 65 6c6C6>"), b"Hell`");
        // The example of ISO 32000-1, 7.4.4.2: "-----A---B" with early change.
        let lzw_data = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(lzw(&lzw_data, 100).unwrap(), b"-----A---B");
    }
}
