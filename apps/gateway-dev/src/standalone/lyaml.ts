import { parse, type ScalarTag, type Tags } from 'yaml';

// APISIX loads YAML with lyaml 6.2.8 (libyaml, lyaml/implicit.lua): YAML 1.1 plain scalars —
// true/false/yes/no/on/off in three casings, 0o-less octal (0755), 0b/0x, sexagesimal
// (1:30 -> 90), `_` in numbers, `~`/null — but neither `y`/`n` as booleans nor timestamps (they
// stay strings). The `yaml` package's 1.1 schema adjusted to that.
const LYAML_TRUE = /^(?:[Tt]rue|TRUE|[Yy]es|YES|[Oo]n|ON)$/;
const LYAML_FALSE = /^(?:[Ff]alse|FALSE|[Nn]o|NO|[Oo]ff|OFF)$/;
const BOOL_TAG = 'tag:yaml.org,2002:bool';
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

function lyamlTags(tags: Tags): Tags {
  return tags
    .filter((tag) => typeof tag === 'string' || tag.tag !== TIMESTAMP_TAG)
    .map((tag) => {
      if (typeof tag === 'string' || tag.tag !== BOOL_TAG) return tag;
      const scalar = tag as ScalarTag;
      const isTrue = scalar.test?.test('true') === true;
      return { ...scalar, test: isTrue ? LYAML_TRUE : LYAML_FALSE };
    });
}

/** Parses YAML text with the implicit types APISIX's lyaml gives it. */
export function parseLikeLyaml(text: string): unknown {
  return parse(text, {
    schema: 'yaml-1.1',
    customTags: lyamlTags,
    uniqueKeys: false,
  });
}
