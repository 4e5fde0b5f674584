//! The site's paths: what each is, and the methods it answers. Pure (no `worker`).

use rtopacks_catalogue::Kind;

/// The component collections, each with its own page path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Qualifications,
    Units,
    SkillSets,
    AccreditedCourses,
    TrainingPackages,
}

impl Collection {
    pub const ALL: [Collection; 5] = [
        Collection::Qualifications,
        Collection::Units,
        Collection::SkillSets,
        Collection::AccreditedCourses,
        Collection::TrainingPackages,
    ];

    pub fn segment(self) -> &'static str {
        match self {
            Collection::Qualifications => "qualifications",
            Collection::Units => "units",
            Collection::SkillSets => "skill-sets",
            Collection::AccreditedCourses => "accredited-courses",
            Collection::TrainingPackages => "training-packages",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Collection::Qualifications => Kind::Qualification,
            Collection::Units => Kind::Unit,
            Collection::SkillSets => Kind::SkillSet,
            Collection::AccreditedCourses => Kind::AccreditedCourse,
            Collection::TrainingPackages => Kind::TrainingPackage,
        }
    }

    /// The collection a kind of component is listed in (`None` for RTOs).
    pub fn of(kind: Kind) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.kind() == kind)
    }

    /// "qualification", "unit", … for sentences.
    pub fn noun(self) -> &'static str {
        match self {
            Collection::Qualifications => "qualification",
            Collection::Units => "unit",
            Collection::SkillSets => "skill set",
            Collection::AccreditedCourses => "accredited course",
            Collection::TrainingPackages => "training package",
        }
    }

    /// The page of `code` in this collection.
    pub fn path(self, code: &str) -> String {
        format!("/{}/{code}", self.segment())
    }
}

/// The page of a search result or a component of `kind`.
pub fn kind_path(kind: Kind, code: &str) -> String {
    match Collection::of(kind) {
        Some(c) => c.path(code),
        None => format!("/rtos/{code}"),
    }
}

/// What a path asks for. Codes are kept as they came (percent-decoded); the handlers
/// parse them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Search,
    Robots,
    /// `/assets/…`
    Asset,
    Component {
        collection: Collection,
        code: String,
    },
    /// The RTOs with a component on scope, paged.
    ComponentRtos {
        collection: Collection,
        code: String,
    },
    /// The CRICOS courses whose VET National Code is the component, paged.
    ComponentCricos {
        collection: Collection,
        code: String,
    },
    /// `/components/{code}`: any kind, redirected to its own page.
    AnyComponent {
        code: String,
    },
    Rto {
        code: String,
    },
    RtoCricos {
        code: String,
    },
    Claim {
        code: String,
    },
    ClaimVerify,
    Waitlist,
    WaitlistVerify,
    NotFound,
}

/// `GET` and `HEAD`: every page.
pub const READ: &str = "GET, HEAD";
/// Pages with a form that posts to themselves.
pub const FORM: &str = "GET, HEAD, POST";

/// Strict percent-decoding of one path segment (`None` when it is not valid UTF-8 or a
/// `%` starts no escape): a path that cannot be read is a page that does not exist.
fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let digit = |b: u8| char::from(b).to_digit(16);
            out.push((digit(hex[0])? * 16 + digit(hex[1])?) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Route {
    pub fn parse(path: &str) -> Route {
        if path.starts_with(rtopacks_web::assets::PREFIX) {
            return Route::Asset;
        }
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let Some(segments) = trimmed
            .split('/')
            .map(decode)
            .collect::<Option<Vec<String>>>()
        else {
            return Route::NotFound;
        };
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        let code = |c: &str| c.to_owned();
        match s.as_slice() {
            [""] => Route::Home,
            ["search"] => Route::Search,
            ["robots.txt"] => Route::Robots,
            ["waitlist"] => Route::Waitlist,
            ["waitlist", "verify"] => Route::WaitlistVerify,
            ["claim", "verify"] => Route::ClaimVerify,
            ["components", c] if !c.is_empty() => Route::AnyComponent { code: code(c) },
            ["rtos", c] if !c.is_empty() => Route::Rto { code: code(c) },
            ["rtos", c, "cricos-courses"] if !c.is_empty() => Route::RtoCricos { code: code(c) },
            ["rtos", c, "claim"] if !c.is_empty() => Route::Claim { code: code(c) },
            [collection, c, rest @ ..] if !c.is_empty() => {
                let Some(collection) = Collection::ALL
                    .into_iter()
                    .find(|x| x.segment() == *collection)
                else {
                    return Route::NotFound;
                };
                let code = code(c);
                match rest {
                    [] => Route::Component { collection, code },
                    ["rtos"] => Route::ComponentRtos { collection, code },
                    ["cricos-courses"] => Route::ComponentCricos { collection, code },
                    _ => Route::NotFound,
                }
            }
            _ => Route::NotFound,
        }
    }

    /// The methods the path answers (the `Allow` header of a 405).
    pub fn allow(&self) -> &'static str {
        match self {
            Route::Claim { .. } | Route::ClaimVerify | Route::Waitlist | Route::WaitlistVerify => {
                FORM
            }
            _ => READ,
        }
    }
}
