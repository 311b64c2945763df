/**
 * The smoke test the package check runs in every environment (Node ESM, Node CommonJS, a browser
 * page through the UMD bundle): one triangle rasterized at 8×8 on the cpu backend (docs/rasterize.md).
 *
 * Loadable as CommonJS (`require`, or `import` from ESM) and as a classic <script>
 * (defines `globalThis.diffrastPackageCheck`). No dependencies: tf and diffrast are passed in.
 *
 * `diffrastPackageCheck(tf, diffrast)` resolves to `[{name, ok, reason}]` with the checks
 * `rasterize` and `grad`; it never throws.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.diffrastPackageCheck = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  var H = 8;
  var W = 8;
  // Clip-space (x, y, z, w); the triangle's centroid is (0, -0.8/3).
  var VERTICES = [
    [-0.8, -0.8, 0, 1],
    [0.8, -0.8, 0, 1],
    [0, 0.8, 0, 1],
  ];

  /** The pixel whose square contains NDC point (x, y): centers at (2px+1)/W − 1, row 0 at the bottom. */
  function pixelAt(x, y) {
    return [Math.floor(((x + 1) * W) / 2), Math.floor(((y + 1) * H) / 2)];
  }

  function message(e) {
    return e && e.message ? e.message.split('\n')[0] : String(e);
  }

  function sameShape(a, b) {
    return (
      a.length === b.length &&
      a.every(function (d, i) {
        return d === b[i];
      })
    );
  }

  async function checkRasterize(tf, dr, pos, tri) {
    var out = dr.rasterize(pos, tri, [H, W]);
    var rast = out.rast;
    var rastDb = out.rastDb;
    try {
      if (!rast || !rastDb) throw new Error('rasterize did not return {rast, rastDb}');
      if (!sameShape(rast.shape, [1, H, W, 4])) throw new Error('rast shape ' + JSON.stringify(rast.shape));
      if (!sameShape(rastDb.shape, [1, H, W, 4])) throw new Error('rastDb shape ' + JSON.stringify(rastDb.shape));
      var data = await rast.data();
      var id = function (px, py) {
        return data[(py * W + px) * 4 + 3];
      };
      var cx = (VERTICES[0][0] + VERTICES[1][0] + VERTICES[2][0]) / 3;
      var cy = (VERTICES[0][1] + VERTICES[1][1] + VERTICES[2][1]) / 3;
      var c = pixelAt(cx, cy);
      if (id(c[0], c[1]) !== 1) {
        throw new Error('id at the centroid pixel (' + c + ') is ' + id(c[0], c[1]) + ', expected 1');
      }
      var corners = [
        [0, 0],
        [W - 1, 0],
        [0, H - 1],
        [W - 1, H - 1],
      ];
      for (var i = 0; i < corners.length; i++) {
        var k = corners[i];
        if (id(k[0], k[1]) !== 0)
          throw new Error('id at empty corner pixel (' + k + ') is ' + id(k[0], k[1]) + ', expected 0');
      }
    } finally {
      if (rast) rast.dispose();
      if (rastDb) rastDb.dispose();
    }
  }

  async function checkGrad(tf, dr, pos, tri) {
    var loss = function (p) {
      var uv = dr.rasterize(p, tri, [H, W]).rast.slice([0, 0, 0, 0], [-1, -1, -1, 2]);
      return uv.mul(uv).sum();
    };
    var g = tf.grad(loss)(pos);
    try {
      if (!sameShape(g.shape, pos.shape))
        throw new Error('gradient shape ' + JSON.stringify(g.shape) + ', expected ' + JSON.stringify(pos.shape));
      var values = await g.data();
      for (var i = 0; i < values.length; i++) {
        if (!isFinite(values[i])) throw new Error('gradient has a non-finite value: ' + values[i]);
      }
    } finally {
      g.dispose();
    }
  }

  return async function diffrastPackageCheck(tf, dr) {
    var results = [];
    var pos = null;
    var tri = null;
    try {
      if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
      await tf.ready();
      pos = tf.tensor3d([VERTICES], [1, 3, 4], 'float32');
      tri = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
    } catch (e) {
      var reason = 'setup: ' + message(e);
      return [
        {name: 'rasterize', ok: false, reason: reason},
        {name: 'grad', ok: false, reason: reason},
      ];
    }
    var steps = [
      ['rasterize', checkRasterize],
      ['grad', checkGrad],
    ];
    for (var i = 0; i < steps.length; i++) {
      try {
        await steps[i][1](tf, dr, pos, tri);
        results.push({name: steps[i][0], ok: true});
      } catch (e) {
        results.push({name: steps[i][0], ok: false, reason: message(e)});
      }
    }
    pos.dispose();
    tri.dispose();
    return results;
  };
});
