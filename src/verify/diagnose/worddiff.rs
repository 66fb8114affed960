//! Word-level differences between a signed document and a copy.
//!
//! Myers' O(ND) algorithm on interned words, after the common prefix and suffix are set aside:
//! a forged copy differs by a few words, so D is small and the diff costs about N. The work is
//! capped at [`MAX_EDITS`]; past it the middle that differs is reported as one hunk, flagged
//! incomplete, because a copy that far from the original is explained by "different text"
//! alone. [`similarity`] ranks candidate documents in linear time by shared word pairs.

use std::collections::HashMap;
use std::ops::Range;

/// Most edits (inserted plus deleted words) the diff searches before it gives up.
pub const MAX_EDITS: usize = 1500;

/// A run of words that differ: `before` in the signed document, `after` in the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// Word indices in the signed document (empty for an insertion).
    pub before: Range<usize>,
    /// Word indices in the copy (empty for a deletion).
    pub after: Range<usize>,
}

/// The differences between two word sequences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Hunks in document order.
    pub hunks: Vec<Hunk>,
    /// False when [`MAX_EDITS`] was reached and the differing middle is one coarse hunk.
    pub complete: bool,
}

/// One step of an edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// Interns the words of both sequences into numbers, equal words equal numbers.
fn intern<'w>(a: &[&'w str], b: &[&'w str]) -> (Vec<u32>, Vec<u32>) {
    let mut ids: HashMap<&'w str, u32> = HashMap::with_capacity(a.len());
    let mut id = |w: &'w str| -> u32 {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        *ids.entry(w).or_insert(next)
    };
    let a = a.iter().map(|w| id(w)).collect();
    let b = b.iter().map(|w| id(w)).collect();
    (a, b)
}

/// The word differences from `a` (signed) to `b` (copy).
pub fn diff(a: &[&str], b: &[&str]) -> Diff {
    let (a, b) = intern(a, b);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra.iter().rev().zip(rb.iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&ra[..ra.len() - suffix], &rb[..rb.len() - suffix]);
    if ma.is_empty() && mb.is_empty() {
        return Diff { hunks: Vec::new(), complete: true };
    }
    match myers(ma, mb, MAX_EDITS) {
        Some(ops) => Diff { hunks: hunks(&ops, prefix), complete: true },
        None => Diff {
            hunks: vec![Hunk {
                before: prefix..prefix + ma.len(),
                after: prefix..prefix + mb.len(),
            }],
            complete: false,
        },
    }
}

/// Myers' shortest edit script, or `None` when it needs more than `max_d` edits.
fn myers(a: &[u32], b: &[u32], max_d: usize) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = max_d.min(a.len() + b.len()) as isize;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * max as usize + 3];
    // trace[d] holds v for k in -(d-1)..=(d-1), the state before step d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max {
        let low = (offset - d + 1).max(0) as usize;
        let high = (offset + d) as usize;
        trace.push(if d == 0 { Vec::new() } else { v[low..high].to_vec() });
        for k in (-d..=d).step_by(2) {
            let i = (offset + k) as usize;
            let mut x =
                if k == -d || (k != d && v[i - 1] < v[i + 1]) { v[i + 1] } else { v[i - 1] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, n, m));
            }
        }
    }
    None
}

/// Walks the trace back from the end into an edit script, in order.
fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<Op> {
    let mut ops = Vec::with_capacity((n + m) as usize);
    let (mut x, mut y) = (n, m);
    for d in (0..trace.len() as isize).rev() {
        let k = x - y;
        let at = |k: isize| trace[d as usize].get((k + d - 1) as usize).copied().unwrap_or(-1);
        let (prev_x, prev_y) = if d == 0 {
            (0, 0)
        } else {
            let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) { k + 1 } else { k - 1 };
            (at(prev_k), at(prev_k) - prev_k)
        };
        while x > prev_x && y > prev_y {
            ops.push(Op::Equal);
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            ops.push(if x == prev_x { Op::Insert } else { Op::Delete });
            (x, y) = (prev_x, prev_y);
        }
    }
    ops.reverse();
    ops
}

/// Groups an edit script into hunks, word indices shifted by `start`.
fn hunks(ops: &[Op], start: usize) -> Vec<Hunk> {
    let (mut i, mut j) = (start, start);
    let mut out: Vec<Hunk> = Vec::new();
    let mut open = false;
    for op in ops {
        if *op == Op::Equal {
            (i, j, open) = (i + 1, j + 1, false);
            continue;
        }
        if !open {
            out.push(Hunk { before: i..i, after: j..j });
            open = true;
        }
        let Some(hunk) = out.last_mut() else { continue };
        match op {
            Op::Delete => (i, hunk.before.end) = (i + 1, i + 1),
            _ => (j, hunk.after.end) = (j + 1, j + 1),
        }
    }
    out
}

/// How alike two word sequences are, from 0 to 1: the Dice coefficient of their multisets of
/// adjacent word pairs. Pairs rather than words, because unrelated English texts share many
/// words ("the", "of") but few pairs.
pub fn similarity(a: &[&str], b: &[&str]) -> f64 {
    let (a, b) = intern(a, b);
    let pairs = |s: &[u32]| -> HashMap<u64, usize> {
        let mut counts = HashMap::with_capacity(s.len());
        for w in s.windows(2) {
            *counts.entry(u64::from(w[0]) << 32 | u64::from(w[1])).or_insert(0) += 1;
        }
        counts
    };
    let (pa, pb) = (pairs(&a), pairs(&b));
    let shared: usize = pa.iter().map(|(p, &n)| n.min(pb.get(p).copied().unwrap_or(0))).sum();
    let total = a.len().saturating_sub(1) + b.len().saturating_sub(1);
    if total == 0 {
        return if a == b { 1.0 } else { 0.0 };
    }
    2.0 * shared as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn insertion_replacement_deletion() {
        let a = words("an organization with a global role in the field of 2016 migration");
        let b = words("an organization with a crucial global role in field of 2017 migration");
        let d = diff(&a, &b);
        assert!(d.complete);
        let spans: Vec<_> = d.hunks.iter().map(|h| (h.before.clone(), h.after.clone())).collect();
        assert_eq!(spans, [(4..4, 4..5), (7..8, 8..8), (10..11, 10..11)]);
        assert!(diff(&a, &a).hunks.is_empty());
    }

    #[test]
    fn edge_cases_and_cap() {
        assert_eq!(diff(&[], &words("a b")).hunks, [Hunk { before: 0..0, after: 0..2 }]);
        assert_eq!(diff(&words("a b"), &[]).hunks, [Hunk { before: 0..2, after: 0..0 }]);
        let a: Vec<String> = (0..4000).map(|i| format!("a{i}")).collect();
        let b: Vec<String> = (0..4000).map(|i| format!("b{i}")).collect();
        let (a, b): (Vec<&str>, Vec<&str>) =
            (a.iter().map(String::as_str).collect(), b.iter().map(String::as_str).collect());
        let d = diff(&a, &b);
        assert!(!d.complete);
        assert_eq!(d.hunks, [Hunk { before: 0..4000, after: 0..4000 }]);
    }

    #[test]
    fn similarity_counts_shared_pairs() {
        let a = words("the united nations and the organization");
        assert_eq!(similarity(&a, &a), 1.0);
        assert_eq!(similarity(&a, &words("nations the united and organization the")), 0.2);
        assert_eq!(similarity(&[], &[]), 1.0);
    }
}
