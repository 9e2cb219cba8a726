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
  /** The English name: pinyin with the kind of division ("Zhangbei County", "Qiaoxi District"). */
  en: string;
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
  countyNameEn: string;
}

const raw = JSON.parse(fs.readFileSync(path.join(referenceDir, 'regions.json'), 'utf8')) as RawRegions;

const places = new Map<string, Place>();
for (const unit of raw.hebei) {
  // Dingzhou and Xinji are units without counties: the unit itself is the selectable place.
  const counties =
    unit.counties.length > 0 ? unit.counties : [{ code: unit.code, name: unit.name.zh, en: unit.name.en }];
  for (const county of counties) {
    places.set(county.code, {
      province: 'hebei',
      unitCode: unit.code,
      unitName: unit.name,
      countyCode: county.code,
      countyName: county.name,
      countyNameEn: county.en,
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
      countyNameEn: district.en,
    });
  }
}

/** Names that more than one place bears, per language (桥西区 in Shijiazhuang and Zhangjiakou; "Jizhou District"). */
const repeated: Record<Locale, Set<string>> = { 'zh-CN': new Set(), en: new Set() };
for (const locale of ['zh-CN', 'en'] as const) {
  const seen = new Set<string>();
  for (const place of places.values()) {
    const name = locale === 'en' ? place.countyNameEn : place.countyName;
    if (seen.has(name)) repeated[locale].add(name);
    seen.add(name);
  }
}

/**
 * A county's name in the reader's language, with its city where the name alone is ambiguous:
 * "桥西区（石家庄市）", "Qiaoxi District (Shijiazhuang)"; the code itself for an unknown one.
 */
export function countyLabel(countyCode: string, locale: Locale): string {
  const place = places.get(countyCode);
  if (!place) return countyCode;
  if (locale === 'en') {
    const name = place.countyNameEn;
    return repeated.en.has(name) ? `${name} (${place.unitName.en})` : name;
  }
  const name = place.countyName;
  return repeated['zh-CN'].has(name) ? `${name}（${place.unitName.zh}）` : name;
}

/** Whether a county lies in a unit (a county-less unit such as Dingzhou is its own county). */
export function countyInUnit(countyCode: string, unitCode: string): boolean {
  return places.get(countyCode)?.unitCode === unitCode;
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
  const option = (code: string) => ({ value: code, label: countyLabel(code, locale), selected: code === selected });
  const groups = raw.hebei.map((unit) => ({
    unit: unit.code,
    label: label(unit.name, locale === 'en' ? 'Hebei · ' : '河北 · '),
    options: countiesOf(unit.code).map((c) => option(c.code)),
  }));
  for (const partner of options.hebeiOnly ? [] : raw.partners) {
    groups.push({
      unit: partner.code,
      label: label(partner.name, ''),
      options: partner.districts.map((d) => option(d.code)),
    });
  }
  return groups;
}

export function placeLabel(countyCode: string, locale: Locale): string {
  const place = findPlace(countyCode);
  if (!place) return countyCode;
  if (locale === 'en')
    return place.unitCode === place.countyCode ? place.unitName.en : `${place.countyNameEn}, ${place.unitName.en}`;
  return place.unitCode === place.countyCode ? place.unitName.zh : `${place.unitName.zh} ${place.countyName}`;
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

/**
 * A Hebei unit's counties in official order (the unit itself for Dingzhou and Xinji, which have none): named in
 * Chinese as the data has them, or, given a locale, as a picker shows them (countyLabel).
 */
export function countiesOf(unitCode: string, locale?: Locale): { code: string; name: string }[] {
  const unit = raw.hebei.find((u) => u.code === unitCode);
  if (!unit) return [];
  const list =
    unit.counties.length > 0
      ? unit.counties.map((c) => ({ code: c.code, name: c.name }))
      : [{ code: unit.code, name: unit.name.zh }];
  return locale ? list.map((c) => ({ code: c.code, name: countyLabel(c.code, locale) })) : list;
}
