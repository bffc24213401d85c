//! Weight averaging of perceptrons trained with different seeds ("model soup"), through the
//! perceptron's public file format (claimtrace-ml exposes no weight access).

use claimtrace_ml::perceptron::Perceptron;

pub struct Dense {
    n: u32,
    mask: u64,
    w: Vec<f32>,
}

impl Dense {
    pub fn from(p: &Perceptron) -> Result<Dense, String> {
        let mut b = Vec::new();
        p.write_to(&mut b).map_err(|e| e.to_string())?;
        let rd = |o: usize, k: usize| -> Result<&[u8], String> {
            b.get(o..o + k).ok_or_else(|| "short".to_string())
        };
        let u32at = |o: usize| -> Result<u32, String> {
            let s = rd(o, 4)?;
            Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        };
        let n = u32at(0)?;
        let ms = rd(4, 8)?;
        let mask = u64::from_le_bytes([ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6], ms[7]]);
        let count = u32at(12)? as usize;
        let rows = (mask as usize).checked_add(1).ok_or("bad mask")?;
        let mut w = vec![0f32; rows * n as usize];
        let idx0 = 16;
        let w0 = idx0 + 4 * count;
        for k in 0..count {
            let r = u32at(idx0 + 4 * k)? as usize;
            for c in 0..n as usize {
                let s = rd(w0 + 4 * (k * n as usize + c), 4)?;
                if let Some(x) = w.get_mut(r * n as usize + c) {
                    *x = f32::from_le_bytes([s[0], s[1], s[2], s[3]]);
                }
            }
        }
        Ok(Dense { n, mask, w })
    }

    pub fn add(&mut self, o: &Dense) -> Result<(), String> {
        if o.n != self.n || o.mask != self.mask {
            return Err("soup: models differ in shape".into());
        }
        for (a, b) in self.w.iter_mut().zip(&o.w) {
            *a += *b;
        }
        Ok(())
    }

    pub fn average(self, k: usize) -> Result<Perceptron, String> {
        let n = self.n as usize;
        let rows: Vec<usize> = (0..self.w.len() / n.max(1))
            .filter(|&r| self.w[r * n..(r + 1) * n].iter().any(|&x| x != 0.0))
            .collect();
        let mut b = Vec::new();
        b.extend_from_slice(&self.n.to_le_bytes());
        b.extend_from_slice(&self.mask.to_le_bytes());
        b.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for &r in &rows {
            b.extend_from_slice(&(r as u32).to_le_bytes());
        }
        let k = k.max(1) as f32;
        for &r in &rows {
            for &x in &self.w[r * n..(r + 1) * n] {
                b.extend_from_slice(&(x / k).to_le_bytes());
            }
        }
        Perceptron::read_from(&mut b.as_slice()).map_err(|e| e.to_string())
    }
}
