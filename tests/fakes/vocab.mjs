// Word lists for the fake corpus: real training package codes and titles, real Australian
// states, postcodes and suburbs, and enough names to make records look like the real thing.

// [code, name, weight (relative size), qualification subjects, unit field abbreviations?, ASCED detailed field]
export const PACKAGES = [
  ['ACM', 'Animal Care and Management', 2, ['Animal Care', 'Companion Animal Services', 'Veterinary Nursing', 'Captive Animals'], null, '050105'],
  ['AHC', 'Agriculture, Horticulture and Conservation and Land Management', 5, ['Agriculture', 'Horticulture', 'Conservation and Ecosystem Management', 'Landscape Construction', 'Production Horticulture'], null, '050101'],
  ['AMP', 'Australian Meat Processing', 2, ['Meat Processing', 'Meat Safety', 'Meat Retailing'], null, '110111'],
  ['AUR', 'Automotive Retail, Service and Repair', 4, ['Automotive Technology', 'Light Vehicle Mechanical Technology', 'Heavy Commercial Vehicle Mechanical Technology', 'Automotive Electrical Technology'], ['ETR', 'TTA', 'LTA', 'HTA', 'ACA', 'AFA', 'SCA', 'TTB', 'VTA', 'ETK'], '030501'],
  ['AVI', 'Aviation', 3, ['Aviation (Remote Pilot)', 'Aviation (Commercial Pilot Aeroplane Licence)', 'Aviation Operations'], null, '031501'],
  ['BSB', 'Business Services', 5, ['Business', 'Leadership and Management', 'Project Management Practice', 'Human Resource Management', 'Marketing and Communication', 'Work Health and Safety', 'Accounting and Bookkeeping'], ['OPS', 'HRM', 'FIN', 'MKG', 'WHS', 'CRT', 'LDR', 'PMG', 'TEC', 'XCM', 'SUS', 'INS', 'COM', 'STR', 'TEA', 'PEF'], '080301'],
  ['CHC', 'Community Services', 4, ['Community Services', 'Early Childhood Education and Care', 'Individual Support', 'Mental Health', 'Alcohol and Other Drugs', 'Youth Work', 'Disability Support'], ['CCS', 'DIV', 'LEG', 'ECE', 'MHS', 'AOD', 'YTH', 'COM', 'PRP', 'CDE', 'DIS', 'AGE'], '090501'],
  ['CPC', 'Construction, Plumbing and Services', 4, ['Carpentry', 'Plumbing', 'Building and Construction', 'Bricklaying', 'Wall and Floor Tiling'], ['CAR', 'CCM', 'WHS', 'PCS', 'PPL', 'CBR', 'COM', 'WTL', 'BLD'], '040399'],
  ['CPP', 'Property Services', 3, ['Property Services (Real Estate)', 'Security Operations', 'Cleaning Operations', 'Surveying'], null, '080505'],
  ['CSC', 'Correctional Services', 1, ['Correctional Practice'], null, '090911'],
  ['CUA', 'Creative Arts and Culture', 3, ['Screen and Media', 'Visual Arts', 'Music Industry', 'Live Production and Services'], null, '100101'],
  ['CUL', 'Library, Information and Cultural Services', 1, ['Library and Information Services'], null, '091301'],
  ['DEF', 'Defence', 2, ['Defence Operations', 'Explosive Ordnance'], null, '090911'],
  ['FBP', 'Food, Beverage and Pharmaceutical', 2, ['Food Processing', 'Wine Industry Operations', 'Pharmaceutical Manufacturing'], null, '110111'],
  ['FNS', 'Financial Services', 3, ['Accounting', 'Financial Planning', 'Mortgage Broking', 'Insurance Services'], null, '081901'],
  ['FWP', 'Forest and Wood Products', 2, ['Forest Growing and Management', 'Sawmilling and Processing', 'Timber Truss and Frame Design'], null, '050301'],
  ['HLT', 'Health', 4, ['Allied Health Assistance', 'Nursing', 'Dental Assisting', 'Health Services Assistance', 'Pathology Collection', 'Ambulance Communications'], ['AID', 'INF', 'WHS', 'ENN', 'DEN', 'AAP', 'AMB', 'PAT', 'OHC', 'HPS'], '069901'],
  ['ICP', 'Printing and Graphic Arts', 1, ['Printing and Graphic Arts'], null, '100501'],
  ['ICT', 'Information and Communications Technology', 4, ['Information Technology', 'Cyber Security', 'Telecommunications Network Engineering', 'Web Development'], ['ICT', 'PRG', 'NWK', 'SAS', 'WEB', 'CYS', 'DBS', 'CLD', 'SEC', 'TEN'], '020199'],
  ['LGA', 'Local Government', 1, ['Local Government'], null, '080901'],
  ['MAR', 'Maritime', 2, ['Maritime Operations (Coxswain Grade 1 Near Coastal)', 'Maritime Operations'], null, '031503'],
  ['MEA', 'Aeroskills', 2, ['Aeroskills (Mechanical)', 'Aeroskills (Avionics)'], null, '031103'],
  ['MEM', 'Manufacturing and Engineering', 6, ['Engineering - Mechanical Trade', 'Engineering - Fabrication Trade', 'Engineering', 'Engineering Technology'], null, '030101'],
  ['MSF', 'Furnishing', 2, ['Cabinet Making and Timber Technology', 'Furniture Making'], null, '039999'],
  ['MSL', 'Laboratory Operations', 1, ['Laboratory Skills', 'Laboratory Technology'], null, '019999'],
  ['MSM', 'Manufactured Mineral Products', 1, ['Manufactured Mineral Products'], null, '030399'],
  ['MSS', 'Sustainability', 1, ['Sustainable Operations'], null, '050999'],
  ['MST', 'Textiles, Clothing and Footwear', 1, ['Applied Fashion Design and Technology'], null, '100505'],
  ['NWP', 'National Water', 1, ['Water Industry Operations'], null, '039901'],
  ['PMA', 'Chemical, Hydrocarbons and Refining', 1, ['Process Plant Operations'], null, '030301'],
  ['PMB', 'Plastics, Rubber and Cablemaking', 1, ['Polymer Processing'], null, '030303'],
  ['PPM', 'Pulp and Paper Manufacturing', 1, ['Pulp and Paper Operations'], null, '030399'],
  ['PSP', 'Public Sector', 2, ['Government', 'Government Investigations', 'Procurement and Contracting'], null, '080901'],
  ['PUA', 'Public Safety', 3, ['Public Safety (Firefighting Operations)', 'Public Safety (Search and Rescue)'], null, '091105'],
  ['RGR', 'Racing and Breeding', 1, ['Racing Industry'], null, '050105'],
  ['RII', 'Resources and Infrastructure Industry', 5, ['Civil Construction', 'Surface Extraction Operations', 'Underground Metalliferous Mining'], null, '030901'],
  ['SFI', 'Seafood Industry', 1, ['Aquaculture', 'Fishing Operations'], null, '050501'],
  ['SFL', 'Floristry', 1, ['Floristry'], null, '100599'],
  ['SHB', 'Hairdressing and Beauty Services', 2, ['Hairdressing', 'Beauty Therapy', 'Nail Technology'], null, '110501'],
  ['SIF', 'Funeral Services', 1, ['Funeral Services'], null, '110599'],
  ['SIR', 'Retail Services', 2, ['Retail Operations', 'Community Pharmacy'], null, '080505'],
  ['SIS', 'Sport, Fitness and Recreation', 3, ['Fitness', 'Sport Coaching', 'Outdoor Recreation'], null, '092103'],
  ['SIT', 'Tourism, Travel and Hospitality', 4, ['Hospitality', 'Commercial Cookery', 'Travel', 'Tourism', 'Events', 'Patisserie'], ['XFS', 'XWH', 'HCC', 'HFA', 'HGA', 'TTV', 'TGD', 'EEV', 'XHR', 'XMG', 'XCO', 'XCC'], '110301'],
  ['TAE', 'Training and Education', 2, ['Training and Assessment', 'Vocational Education and Training', 'Leadership and Management (Learning)'], ['ASS', 'DEL', 'DES', 'LLN', 'TRN', 'ALN'], '070109'],
  ['TLI', 'Transport and Logistics', 4, ['Warehousing Operations', 'Logistics', 'Driving Operations', 'Supply Chain Operations'], null, '031599'],
  ['UEE', 'Electrotechnology', 5, ['Electrotechnology Electrician', 'Refrigeration and Air Conditioning', 'Electronics and Communications'], null, '031301'],
  ['UEG', 'Gas Industry', 1, ['Gas Supply Industry Operations'], null, '039999'],
  ['UEP', 'Electricity Supply Industry - Generation Sector', 2, ['ESI Generation Operations'], null, '031301'],
  ['UET', 'Transmission, Distribution and Rail Sector', 2, ['ESI - Power Systems'], null, '031301'],
];
export const SMALL_PACKAGES = ['BSB', 'CHC', 'SIT', 'HLT', 'CPC', 'ICT', 'TAE', 'AUR'];

// Unit field abbreviations (the three letters after the package: BSB·OPS·501) and their topics.
export const FIELDS = {
  OPS: 'operations', HRM: 'human resources', FIN: 'financial', MKG: 'marketing', WHS: 'work health and safety',
  CRT: 'critical thinking', LDR: 'leadership', PMG: 'project management', TEC: 'digital technology', XCM: 'cross-cultural communication',
  SUS: 'sustainability', INS: 'information', COM: 'communication', STR: 'strategic', TEA: 'team', PEF: 'personal effectiveness',
  CCS: 'client care', DIV: 'diversity', LEG: 'legal and ethical', ECE: 'early childhood', MHS: 'mental health', AOD: 'alcohol and other drugs',
  YTH: 'youth', PRP: 'person-centred', CDE: 'community development', DIS: 'disability support', AGE: 'aged care',
  CAR: 'carpentry', CCM: 'construction', PCS: 'plumbing', PPL: 'pipe-laying', CBR: 'bricklaying', WTL: 'wall and floor tiling', BLD: 'building',
  AID: 'first aid', INF: 'infection control', ENN: 'nursing', DEN: 'dental', AAP: 'allied health', AMB: 'ambulance', PAT: 'pathology',
  OHC: 'oral health', HPS: 'health services', ICT: 'ICT', PRG: 'programming', NWK: 'network', SAS: 'systems analysis', WEB: 'web',
  CYS: 'cyber security', DBS: 'database', CLD: 'cloud', SEC: 'security', TEN: 'telecommunications', ASS: 'assessment',
  DEL: 'training delivery', DES: 'learning design', LLN: 'language, literacy and numeracy', TRN: 'training', ALN: 'adult literacy',
  XFS: 'food safety', XWH: 'workplace hygiene', HCC: 'commercial cookery', HFA: 'food and beverage', HGA: 'gaming', TTV: 'travel',
  TGD: 'tour guiding', EEV: 'events', XHR: 'rostering', XMG: 'hospitality management', XCO: 'customer relations', XCC: 'customer complaints',
  ETR: 'automotive electrical', TTA: 'automotive tools', LTA: 'light vehicle', HTA: 'heavy vehicle', ACA: 'air conditioning',
  AFA: 'automotive workplace', SCA: 'automotive sales', TTB: 'braking systems', VTA: 'vehicle testing', ETK: 'electric vehicle',
  SAF: 'safety', DSG: 'design', PRD: 'production', ENV: 'environmental', QUA: 'quality', PRJ: 'project', RSK: 'risk',
  CMP: 'compliance', ADM: 'administration', PRO: 'professional practice', EQU: 'equipment', MNT: 'maintenance', NUT: 'nutrition',
  DAT: 'data', WRK: 'workplace', ANA: 'analysis', ELE: 'electrical', MEC: 'mechanical', PLN: 'planning', FOD: 'food', BEV: 'beverage',
  MAT: 'materials', FAB: 'fabrication', WLD: 'welding', OPR: 'plant operation', INV: 'inventory', TRA: 'transport', CUS: 'customer service',
  EMG: 'emergency response', INC: 'incident', GEN: 'general workplace', SUP: 'supervision', PUB: 'public relations', REC: 'records',
};
export const GENERIC_FIELDS = ['SAF', 'DSG', 'PRD', 'ENV', 'QUA', 'PRJ', 'RSK', 'CMP', 'ADM', 'PRO', 'EQU', 'MNT', 'NUT', 'DAT', 'WRK',
  'ANA', 'ELE', 'MEC', 'PLN', 'FOD', 'BEV', 'MAT', 'FAB', 'WLD', 'OPR', 'INV', 'TRA', 'CUS', 'EMG', 'INC', 'GEN', 'SUP', 'PUB', 'REC', 'COM', 'WHS'];

export const UNIT_VERBS = [null,
  ['Follow', 'Participate in', 'Apply basic'], ['Follow', 'Carry out', 'Use'], ['Apply', 'Carry out', 'Use', 'Contribute to'],
  ['Implement', 'Coordinate', 'Monitor'], ['Manage', 'Develop', 'Lead'], ['Design', 'Evaluate', 'Establish strategies for']];
export const UNIT_SUFFIX = ['', ' practices', ' processes', ' procedures', ' systems', ' plans', ' requirements', ' activities'];

// AQF level digit of a qualification code → its title prefix, ASCED level of education, CRICOS course level.
export const AQF = {
  1: ['Certificate I in', '524', 'Certificate I'], 2: ['Certificate II in', '521', 'Certificate II'],
  3: ['Certificate III in', '514', 'Certificate III'], 4: ['Certificate IV in', '511', 'Certificate IV'],
  5: ['Diploma of', '421', 'Diploma'], 6: ['Advanced Diploma of', '411', 'Advanced Diploma'],
  7: ['Graduate Certificate in', '213', 'Graduate Certificate'], 8: ['Graduate Diploma of', '211', 'Graduate Diploma'],
};
// Lineage slots cycle through these levels (Certificates III/IV and Diplomas are the common ones).
export const LEVEL_CYCLE = [3, 4, 5, 2, 3, 4, 6, 1, 5, 8];

export const BROAD_FIELDS = {
  '01': 'Natural and Physical Sciences', '02': 'Information Technology', '03': 'Engineering and Related Technologies',
  '04': 'Architecture and Building', '05': 'Agriculture, Environmental and Related Studies', '06': 'Health', '07': 'Education',
  '08': 'Management and Commerce', '09': 'Society and Culture', '10': 'Creative Arts', '11': 'Food, Hospitality and Personal Services',
  '12': 'Mixed Field Programmes',
};

// State: [abbreviation, AVETMISS state identifier, phone area code, [[suburb, postcode], ...]]
export const STATES = [
  ['NSW', '01', '02', [['Sydney', '2000'], ['Parramatta', '2150'], ['Newcastle', '2300'], ['Wollongong', '2500'], ['Penrith', '2750'], ['Liverpool', '2170'], ['Chatswood', '2067'], ['Wagga Wagga', '2650'], ['Coffs Harbour', '2450'], ['Dubbo', '2830'], ['Blacktown', '2148'], ['Hornsby', '2077']]],
  ['VIC', '02', '03', [['Melbourne', '3000'], ['Geelong', '3220'], ['Ballarat', '3350'], ['Bendigo', '3550'], ['Dandenong', '3175'], ['Box Hill', '3128'], ['Footscray', '3011'], ['Frankston', '3199'], ['Shepparton', '3630'], ['Richmond', '3121']]],
  ['QLD', '03', '07', [['Brisbane', '4000'], ['Surfers Paradise', '4217'], ['Cairns', '4870'], ['Townsville', '4810'], ['Toowoomba', '4350'], ['Southport', '4215'], ['Ipswich', '4305'], ['Maroochydore', '4558'], ['Rockhampton', '4700'], ['Fortitude Valley', '4006']]],
  ['SA', '04', '08', [['Adelaide', '5000'], ['Mount Gambier', '5290'], ['Elizabeth', '5112'], ['Port Adelaide', '5015'], ['Whyalla', '5600'], ['Glenelg', '5045']]],
  ['WA', '05', '08', [['Perth', '6000'], ['Fremantle', '6160'], ['Joondalup', '6027'], ['Bunbury', '6230'], ['Midland', '6056'], ['Kalgoorlie', '6430'], ['Rockingham', '6168']]],
  ['TAS', '06', '03', [['Hobart', '7000'], ['Launceston', '7250'], ['Devonport', '7310'], ['Burnie', '7320']]],
  ['NT', '07', '08', [['Darwin', '0800'], ['Alice Springs', '0870'], ['Palmerston', '0830'], ['Katherine', '0850']]],
  ['ACT', '08', '02', [['Canberra', '2601'], ['Braddon', '2612'], ['Belconnen', '2617'], ['Phillip', '2606']]],
];
// Rough share of organisations per state (NSW, VIC, QLD, SA, WA, TAS, NT, ACT).
export const STATE_WEIGHTS = [34, 26, 20, 6, 9, 2, 1, 2];

export const FIRST_NAMES = ['James', 'Olivia', 'William', 'Charlotte', 'Jack', 'Amelia', 'Thomas', 'Isla', 'Noah', 'Mia', 'Liam', 'Grace',
  'Lucas', 'Chloe', 'Henry', 'Sophie', 'Oliver', 'Emily', 'Ethan', 'Zoe', 'Mohammed', 'Priya', 'Wei', 'Mei', 'Nguyen', 'Aarav', 'Fatima',
  'Daniel', 'Sarah', 'Michael', 'Jessica', 'David', 'Rebecca', 'Matthew', 'Hannah', 'Joshua', 'Emma', 'Ryan', 'Lauren', 'Kate'];
export const SURNAMES = ['Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Johnson', 'White', 'Martin', 'Anderson', 'Thompson',
  'Nguyen', 'Thomas', 'Walker', 'Harris', 'Lee', 'Ryan', 'Robinson', 'Kelly', 'King', 'Campbell', 'Clarke', 'Mitchell', 'Young', 'Wright',
  "O'Brien", "O'Connor", 'Singh', 'Chen', 'Patel', 'Kaur', 'Murphy', 'Hughes', 'Edwards', 'Baker', 'Harrison', 'Morgan', 'Cooper', 'Ward', 'Papadopoulos'];
export const ORG_ADJECTIVES = ['Southern Cross', 'Blue Gum', 'Pacific', 'Harbour', 'Coastal', 'Summit', 'Redgum', 'Golden Wattle', 'Outback',
  'Metro', 'Eastern', 'Western', 'National', 'Australian', 'Coral Coast', 'Highland', 'Riverina', 'Bayside', 'Ironbark', 'Sunrise', 'Horizon',
  'Pinnacle', 'Unity', 'Bright Future', 'Keystone', 'Meridian', 'Evergreen', 'Northern Star', 'Capital', 'Heritage'];
export const ORG_NOUNS = ['Training', 'College', 'Institute', 'Academy', 'Skills', 'Education', 'Learning', 'Workforce Solutions', 'Careers', 'Training Solutions'];
export const STREETS = ['George', 'Collins', 'Queen', 'King', 'Elizabeth', 'William', 'Pitt', 'High', 'Church', 'Station', 'Victoria',
  'Albert', 'Bridge', 'Park', 'Railway', 'Flinders', 'Adelaide', 'Hay', 'Murray', 'Macquarie'];
export const STREET_TYPES = ['Street', 'Road', 'Avenue', 'Parade', 'Terrace', 'Lane', 'Drive', 'Highway', 'Place', 'Boulevard'];
export const UNIVERSITY_FIELDS = [['Bachelor Degree', 'Bachelor of Commerce', '08'], ['Bachelor Degree', 'Bachelor of Information Technology', '02'],
  ['Bachelor Degree', 'Bachelor of Nursing', '06'], ['Masters Degree (Coursework)', 'Master of Business Administration', '08'],
  ['Masters Degree (Coursework)', 'Master of Engineering', '03'], ['Masters Degree (Coursework)', 'Master of Professional Accounting', '08'],
  ['Doctoral Degree (Research)', 'Doctor of Philosophy', '12'], ['Bachelor Degree', 'Bachelor of Education (Primary)', '07'],
  ['ELICOS', 'General English', '12'], ['ELICOS', 'English for Academic Purposes', '12'], ['Non AQF Award', 'Foundation Studies Program', '12'],
  ['Senior Secondary Certificate of Education', 'Higher School Certificate (Year 11 and 12)', '12']];
