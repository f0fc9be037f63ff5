//! A fixed-width bit set over interned ids (requirement atoms).

/// A bit set sized for one ruleset's atoms; every set of one ruleset has the same width.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bits(Box<[u64]>);

impl Bits {
    /// An empty set able to hold `n` bits.
    pub fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64).max(1)].into_boxed_slice())
    }

    pub fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn union_with(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    pub fn clear(&mut self) {
        self.0.fill(0);
    }

    pub fn is_subset(&self, other: &Bits) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a & !b == 0)
    }

    /// How many bits of `self` are not in `held`: the documents still missing.
    pub fn count_missing(&self, held: &Bits) -> u32 {
        self.0
            .iter()
            .zip(held.0.iter())
            .map(|(a, h)| (a & !h).count_ones())
            .sum()
    }

    /// How many bits of `self` are neither in `held` nor outside `within`:
    /// the missing documents of one kind (those an authority issues).
    pub fn count_missing_within(&self, held: &Bits, within: &Bits) -> u32 {
        self.0
            .iter()
            .zip(held.0.iter())
            .zip(within.0.iter())
            .map(|((a, h), w)| (a & !h & w).count_ones())
            .sum()
    }

    /// How many bits of `self` are in `held`: the documents already there.
    pub fn count_held(&self, held: &Bits) -> u32 {
        self.0
            .iter()
            .zip(held.0.iter())
            .map(|(a, h)| (a & h).count_ones())
            .sum()
    }

    /// The bits of `self` that are not in `held`, in increasing order.
    pub fn missing<'a>(&'a self, held: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        self.0
            .iter()
            .zip(held.0.iter())
            .enumerate()
            .flat_map(|(w, (a, h))| BitIter(a & !h).map(move |b| w * 64 + b))
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(w, a)| BitIter(*a).map(move |b| w * 64 + b))
    }

    pub fn len(&self) -> u32 {
        self.0.iter().map(|a| a.count_ones()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|a| *a == 0)
    }
}

struct BitIter(u64);

impl Iterator for BitIter {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let b = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_the_difference_across_words() {
        let mut need = Bits::new(130);
        for i in [0, 63, 64, 129] {
            need.insert(i);
        }
        let mut held = Bits::new(130);
        held.insert(63);
        held.insert(129);
        assert_eq!(need.count_missing(&held), 2);
        assert_eq!(need.count_held(&held), 2);
        let mut within = Bits::new(130);
        within.insert(64);
        within.insert(129);
        assert_eq!(need.count_missing_within(&held, &within), 1);
        assert_eq!(need.missing(&held).collect::<Vec<_>>(), vec![0, 64]);
        assert!(!need.is_subset(&held));
        held.union_with(&need);
        assert!(need.is_subset(&held));
        assert_eq!(need.count_missing(&held), 0);
        assert_eq!(need.len(), 4);
    }
}
