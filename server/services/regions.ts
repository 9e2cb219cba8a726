// Reference data for places: Hebei's 14 operational units and their counties, Beijing's and Tianjin's districts,
// with the official division codes from server/reference/regions.json.
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../i18n';
import { referenceDir } from '../paths';
import type { Province } from '../../models/Organisation';

interface RawCounty {
  code: string;
  name: string;
  kind?: string;
}
interface RawUnit {
  code: string;
  name: { zh: string; en: string };
  kind: string;
  counties: RawCounty[];
}
interface RawPartner {
  code: string;
  name: { zh: string; en: string };
  districts: RawCounty[];
}
interface RawRegions {
  hebei: RawUnit[];
  partners: RawPartner[];
}

export interface Place {
  province: Province;
  unitCode: string;
  unitName: { zh: string; en: string };
  countyCode: string;
  countyName: string;
}

const raw = JSON.parse(fs.readFileSync(path.join(referenceDir, 'regions.json'), 'utf8')) as RawRegions;

const places = new Map<string, Place>();
for (const unit of raw.hebei) {
  // Dingzhou and Xinji are units without counties: the unit itself is the selectable place.
  const counties = unit.counties.length > 0 ? unit.counties : [{ code: unit.code, name: unit.name.zh }];
  for (const county of counties) {
    places.set(county.code, {
      province: 'hebei',
      unitCode: unit.code,
      unitName: unit.name,
      countyCode: county.code,
      countyName: county.name,
    });
  }
}
for (const partner of raw.partners) {
  const province: Province = partner.code === '11' ? 'beijing' : 'tianjin';
  for (const district of partner.districts) {
    places.set(district.code, {
      province,
      unitCode: partner.code,
      unitName: partner.name,
      countyCode: district.code,
      countyName: district.name,
    });
  }
}

export function findPlace(countyCode: string): Place | undefined {
  return places.get(countyCode);
}

export function hebeiUnits(locale: Locale): { code: string; name: string }[] {
  return raw.hebei.map((u) => ({ code: u.code, name: locale === 'en' ? u.name.en : u.name.zh }));
}

export function isHebeiUnit(code: string): boolean {
  return raw.hebei.some((u) => u.code === code);
}

export function unitName(code: string, locale: Locale): string {
  const unit = raw.hebei.find((u) => u.code === code) ?? raw.partners.find((p) => p.code === code);
  if (!unit) return code;
  return locale === 'en' ? unit.name.en : unit.name.zh;
}

/** Option groups for a single place select: one group per Hebei unit, then (unless hebeiOnly) Beijing and Tianjin. */
export function placeOptionGroups(locale: Locale, selected?: string, options: { hebeiOnly?: boolean } = {}) {
  const label = (name: { zh: string; en: string }, prefix: string) =>
    locale === 'en' ? `${prefix}${name.en}` : `${prefix}${name.zh}`;
  const groups = raw.hebei.map((unit) => ({
    label: label(unit.name, locale === 'en' ? 'Hebei · ' : '河北 · '),
    options: (unit.counties.length > 0 ? unit.counties : [{ code: unit.code, name: unit.name.zh }]).map((c) => ({
      value: c.code,
      label: c.name,
      selected: c.code === selected,
    })),
  }));
  for (const partner of options.hebeiOnly ? [] : raw.partners) {
    groups.push({
      label: label(partner.name, ''),
      options: partner.districts.map((d) => ({ value: d.code, label: d.name, selected: d.code === selected })),
    });
  }
  return groups;
}

export function placeLabel(countyCode: string, locale: Locale): string {
  const place = findPlace(countyCode);
  if (!place) return countyCode;
  const unit = locale === 'en' ? place.unitName.en : place.unitName.zh;
  return place.unitCode === place.countyCode ? unit : `${unit} ${place.countyName}`;
}

/**
 * A rural county, as the reports count it: a Hebei county (县, autonomous counties included), not an urban
 * district (区), a county-level city (市) or a development zone.
 */
export function isRuralCounty(code: string): boolean {
  const place = findPlace(code);
  return place?.province === 'hebei' && place.countyName.endsWith('县');
}

/** Every rural Hebei county's code (see isRuralCounty). */
export function ruralCounties(): string[] {
  return raw.hebei.flatMap((u) => u.counties.map((c) => c.code)).filter(isRuralCounty);
}

/** A Hebei unit's counties in official order (the unit itself for Dingzhou and Xinji, which have none). */
export function countiesOf(unitCode: string): { code: string; name: string }[] {
  const unit = raw.hebei.find((u) => u.code === unitCode);
  if (!unit) return [];
  return unit.counties.length > 0
    ? unit.counties.map((c) => ({ code: c.code, name: c.name }))
    : [{ code: unit.code, name: unit.name.zh }];
}
