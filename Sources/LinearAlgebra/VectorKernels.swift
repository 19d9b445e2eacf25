/// Inner loops shared by the decompositions, written with explicit `SIMD4<Double>` so that they vectorise whatever
/// the compiler can prove about aliasing (the pointers passed in never overlap; callers guarantee it). Unaligned
/// loads and stores are used throughout; a scalar loop finishes the last count % 4 entries.
enum VectorKernels {
    typealias V = SIMD4<Double>

    @inline(__always)
    static func load(_ p: UnsafePointer<Double>, _ k: Int) -> V {
        UnsafeRawPointer(p + k).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ k: Int) {
        UnsafeMutableRawPointer(p + k).storeBytes(of: v, as: V.self)
    }

    /// Σ x_k y_k.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = V(), s1 = V()
        var k = 0
        while k + 8 <= count {
            s0 += load(x, k) * load(y, k)
            s1 += load(x, k + 4) * load(y, k + 4)
            k += 8
        }
        if k + 4 <= count { s0 += load(x, k) * load(y, k); k += 4 }
        var s = (s0 + s1).sum()
        while k < count { s += x[k] * y[k]; k += 1 }
        return s
    }

    /// Σ x_k² (eight lanes of partial sums, added pairwise at the end).
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = V(), s1 = V()
        var k = 0
        while k + 8 <= count {
            let a = load(x, k), b = load(x, k + 4)
            s0 += a * a
            s1 += b * b
            k += 8
        }
        if k + 4 <= count { let a = load(x, k); s0 += a * a; k += 4 }
        var s = (s0 + s1).sum()
        while k < count { s += x[k] * x[k]; k += 1 }
        return s
    }

    /// y_k += a x_k.
    @inline(__always)
    static func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int) {
        let av = V(repeating: a)
        var k = 0
        while k + 4 <= count {
            store(load(y, k) + av * load(x, k), y, k)
            k += 4
        }
        while k < count { y[k] += a * x[k]; k += 1 }
    }

    /// Returns Σ r_k d_k while doing e_k += f r_k (one pass over r: the symmetric matrix–vector product).
    @inline(__always)
    static func dotAndAxpy(_ r: UnsafePointer<Double>, _ d: UnsafePointer<Double>, _ e: UnsafeMutablePointer<Double>,
                           _ f: Double, _ count: Int) -> Double {
        let fv = V(repeating: f)
        var s = V()
        var k = 0
        while k + 4 <= count {
            let rv = load(r, k)
            s += rv * load(d, k)
            store(load(e, k) + rv * fv, e, k)
            k += 4
        }
        var t = s.sum()
        while k < count { t += r[k] * d[k]; e[k] += r[k] * f; k += 1 }
        return t
    }

    /// r_k −= f e_k + g d_k (the symmetric rank-2 update of one row).
    @inline(__always)
    static func rank2(_ r: UnsafeMutablePointer<Double>, _ e: UnsafePointer<Double>, _ d: UnsafePointer<Double>,
                      _ f: Double, _ g: Double, _ count: Int) {
        let fv = V(repeating: f), gv = V(repeating: g)
        var k = 0
        while k + 4 <= count {
            store(load(r, k) - (fv * load(e, k) + gv * load(d, k)), r, k)
            k += 4
        }
        while k < count { r[k] -= f * e[k] + g * d[k]; k += 1 }
    }

    /// (x, y) ← (c x − s y, s x + c y).
    ///
    /// Written with three multiplications instead of four (Gauss's trick for the complex product (c + is)(x + iy)):
    /// k₁ = c (x + y), x' = k₁ − (c + s) y, y' = k₁ + (s − c) x. Without fused multiply–add the multiplier ports are
    /// the bottleneck of this loop, so this is about 25 % faster. Since |c|, |s| ≤ 1 the rounding error is still a
    /// small multiple of ε ‖(x, y)‖ (normwise stable, as a rotation needs to be).
    @inline(__always)
    static func rotate(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int,
                       c: Double, s: Double) {
        let cv = V(repeating: c), sum = V(repeating: c + s), difference = V(repeating: s - c)
        var k = 0
        while k + 8 <= count {
            let x0 = load(x, k), y0 = load(y, k), x1 = load(x, k + 4), y1 = load(y, k + 4)
            let k0 = cv * (x0 + y0), k1 = cv * (x1 + y1)
            store(k0 - sum * y0, x, k); store(k0 + difference * x0, y, k)
            store(k1 - sum * y1, x, k + 4); store(k1 + difference * x1, y, k + 4)
            k += 8
        }
        while k < count {
            let xk = x[k], yk = y[k]
            x[k] = c * xk - s * yk
            y[k] = s * xk + c * yk
            k += 1
        }
    }
}
