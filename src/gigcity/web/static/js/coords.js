/* Coordinates on the map (gigcity.coords): WGS-84 <-> GCJ-02 and the tiles' datum.
   The API speaks WGS-84 only. Chinese tiles (Amap) are drawn in GCJ-02, offset from WGS-84
   by a few hundred metres (about 480 m in Putuo): on such tiles everything the map draws is
   shifted to GCJ-02 (toMap), and a position read back from the map (its centre, its bounds)
   is turned back into WGS-84 (fromMap, bboxFromMap) before it is sent anywhere. On WGS-84
   tiles both are the identity.
   The transform is the published GCJ-02 formula, the same as geo/coords.py (a browser test
   compares the two on a grid); the inverse is solved by fixed-point iteration. */
(function () {
  "use strict";

  const G = window.gigcity;
  const KRASOVSKY_A = 6378245.0;
  const KRASOVSKY_EE = 0.00669342162296594323;
  const INVERSE_TOLERANCE_DEG = 1e-9; // about 0.1 mm
  const INVERSE_MAX_STEPS = 10; // it converges in three or four

  /* Where GCJ-02 applies (a rough rectangle); outside, GCJ-02 is WGS-84. */
  function inChina(lon, lat) {
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  }

  function delta(lon, lat) {
    const x = lon - 105.0;
    const y = lat - 35.0;
    const PI = Math.PI;
    let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
    dLat += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
    dLat += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
    let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLon += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
    dLon += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
    dLon += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
    const radLat = (lat * PI) / 180.0;
    const magic = 1 - KRASOVSKY_EE * Math.sin(radLat) ** 2;
    const sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * PI);
    dLon = (dLon * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * PI);
    return [dLon, dLat];
  }

  /* WGS-84 -> GCJ-02, [lon, lat] (unchanged outside China). */
  function wgs84ToGcj02(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    const [dLon, dLat] = delta(lon, lat);
    return [lon + dLon, lat + dLat];
  }

  /* GCJ-02 -> WGS-84, [lon, lat], by fixed-point iteration (error far below a metre). */
  function gcj02ToWgs84(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    let wLon = lon;
    let wLat = lat;
    for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
      const [gLon, gLat] = wgs84ToGcj02(wLon, wLat);
      const eLon = gLon - lon;
      const eLat = gLat - lat;
      wLon -= eLon;
      wLat -= eLat;
      if (Math.abs(eLon) < INVERSE_TOLERANCE_DEG && Math.abs(eLat) < INVERSE_TOLERANCE_DEG) break;
    }
    return [wLon, wLat];
  }

  const tiles = (G.config && G.config.tiles) || { layers: [], attribution: "", datum: "wgs84" };
  const onGcj02 = tiles.datum === "gcj02";

  /* Where a WGS-84 point is drawn on this map: [lat, lng] in the tiles' datum. */
  function toMap(lat, lon) {
    if (!onGcj02) return [lat, lon];
    const [mLon, mLat] = wgs84ToGcj02(lon, lat);
    return [mLat, mLon];
  }

  /* The WGS-84 position of a point of the map (a Leaflet LatLng): {lat, lon}. */
  function fromMap(latlng) {
    if (!onGcj02) return { lat: latlng.lat, lon: latlng.lng };
    const [lon, lat] = gcj02ToWgs84(latlng.lng, latlng.lat);
    return { lat: lat, lon: lon };
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  /* The WGS-84 box [west, south, east, north] around the map's bounds (a LatLngBounds):
     the four corners turned back, and the box around them. */
  function bboxFromMap(bounds) {
    const corners = [bounds.getSouthWest(), bounds.getNorthWest(), bounds.getNorthEast(), bounds.getSouthEast()]
      .map((c) => ({ lat: clamp(c.lat, -90, 90), lng: clamp(c.lng, -180, 180) }))
      .map(fromMap);
    const lons = corners.map((c) => c.lon);
    const lats = corners.map((c) => c.lat);
    return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  }

  /* The configured tile layers on `map`, the first one carrying the credit. */
  function addTiles(map) {
    tiles.layers.forEach(function (layer, n) {
      L.tileLayer(layer.url, {
        subdomains: layer.subdomains,
        maxZoom: map.getMaxZoom(),
        maxNativeZoom: layer.maxZoom,
        attribution: n === 0 ? G.escapeHtml(tiles.attribution || "") : "",
      }).addTo(map);
    });
  }

  G.coords = {
    datum: tiles.datum,
    inChina: inChina,
    wgs84ToGcj02: wgs84ToGcj02,
    gcj02ToWgs84: gcj02ToWgs84,
    toMap: toMap,
    fromMap: fromMap,
    bboxFromMap: bboxFromMap,
    addTiles: addTiles,
  };
})();
