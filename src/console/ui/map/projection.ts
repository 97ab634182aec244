/**
 * The region map's projection: equirectangular with the x axis scaled by cos(centre latitude), which
 * distorts little this close to the equator. Shared by the build step that draws the Natural Earth
 * outlines and by the page that places mine sites on them, so both use exactly the same numbers.
 */
export interface MapView {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
  /** Pixels per degree of latitude. */
  scale: number;
}

export const regionView: MapView = { lonMin: 11, lonMax: 44, latMin: -18.5, latMax: 23.5, scale: 16 };

const cosCentre = (v: MapView) => Math.cos((((v.latMin + v.latMax) / 2) * Math.PI) / 180);

export function mapSize(v: MapView): { width: number; height: number } {
  return {
    width: Math.round((v.lonMax - v.lonMin) * v.scale * cosCentre(v)),
    height: Math.round((v.latMax - v.latMin) * v.scale),
  };
}

export function project(v: MapView, lon: number, lat: number): [number, number] {
  return [(lon - v.lonMin) * v.scale * cosCentre(v), (v.latMax - lat) * v.scale];
}
