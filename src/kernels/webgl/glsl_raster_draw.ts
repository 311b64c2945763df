/**
 * What the fragment shaders of both raster draws share (hardware coverage: rasterize_hardware_program.ts,
 * exact coverage: rasterize_program.ts): the two outputs, the depth peeling test and the resolve into the
 * outputs. A triangle is named by its id as rast stores it (encodeId of row + 1). Needs FETCH and TRIANGLE_ID.
 */
export const DRAW_FRAGMENT = `
uniform ivec2 uImageSize;
uniform sampler2D uPrevious;  // the previous depth layer's rast (depth peeling)
layout(location = 0) out vec4 outRast;
layout(location = 1) out vec4 outDb;

// docs/rasterize.md#depth-peeling: the fragment of the triangle with the stored id \`id\` goes when the previous
// layer was empty at its pixel, when its z/w is not strictly behind the previous one, or when it is the previous
// layer's triangle (its z/w recomputed here in float32 may differ in the last bit from the stored one, e.g. the
// cpu's, rounded from float64, and it must never come back).
bool peeledAway(int image, ivec2 px, float zw, float id) {
  vec4 previous = fetch4(uPrevious, (image * uImageSize.y + px.y) * uImageSize.x + px.x);
  return previous.w == 0.0 || zw <= previous.z || previous.w == id;
}

// rast and rastDb of the triangle with the stored id \`id\` at the pixel (resolveEdges, resolvePixel).
void writeResolved(vec3 uvz, vec4 db, float id) {
  outRast = vec4(uvz, id);
  outDb = db;
}
`;
