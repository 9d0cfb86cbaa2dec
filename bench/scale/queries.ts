/**
 * The questions the scale benches ask of a State of the Union library (bench:scale, query-profile, query-rank):
 * the first is asked right after a reload (the first answer), the rest are timed queries.
 */
export const SCALE_QUERIES = [
  'What did the president say about the national debt?',
  'How should the tariff on imported goods be reformed?',
  'relations with Great Britain and the fisheries dispute',
  'What is being done about inflation and the cost of living?',
  'veterans pensions for soldiers of the war',
  'How will the government improve public schools?',
  'treaties with the Indian tribes on the frontier',
  'Why should Congress fund the navy and new ships?',
  'energy independence and dependence on foreign oil',
  'civil service reform and appointments to office',
  'What progress has been made on the Panama canal?',
] as const;
