//! Places on Earth: continents, countries, US states, real city coordinates, and
//! great-circle distance.
//!
//! The city table holds the places the presets use for resolvers, clients, AWS
//! regions and edge locations. Coordinates are the cities' public coordinates
//! rounded to 0.01°. Distances use the haversine formula on a 6,371 km sphere with
//! `libm`, so they are bit-identical natively and in the browser.

use serde::{Deserialize, Serialize};

/// Mean Earth radius used for distances, in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// A continent, by Route 53's geolocation codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Continent {
    /// Africa.
    AF,
    /// Antarctica.
    AN,
    /// Asia.
    AS,
    /// Europe.
    EU,
    /// Oceania.
    OC,
    /// North America.
    NA,
    /// South America.
    SA,
}

impl Continent {
    /// All continents, in code order.
    pub const ALL: [Continent; 7] =
        [Continent::AF, Continent::AN, Continent::AS, Continent::EU, Continent::OC, Continent::NA, Continent::SA];

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Continent::AF => "AF",
            Continent::AN => "AN",
            Continent::AS => "AS",
            Continent::EU => "EU",
            Continent::OC => "OC",
            Continent::NA => "NA",
            Continent::SA => "SA",
        }
    }

    /// Parses a two-letter code.
    pub fn from_code(code: &str) -> Option<Continent> {
        Continent::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A point given by latitude and longitude in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    /// Latitude, −90..90 (north positive).
    pub lat: f64,
    /// Longitude, −180..180 (east positive).
    pub lon: f64,
}

impl LatLon {
    /// Great-circle distance to `other`, in km.
    pub fn distance_km(self, other: LatLon) -> f64 {
        let rad = std::f64::consts::PI / 180.0;
        let (p1, p2) = (self.lat * rad, other.lat * rad);
        let dp = p2 - p1;
        let dl = (other.lon - self.lon) * rad;
        let a = libm::sin(dp / 2.0) * libm::sin(dp / 2.0)
            + libm::cos(p1) * libm::cos(p2) * libm::sin(dl / 2.0) * libm::sin(dl / 2.0);
        2.0 * EARTH_RADIUS_KM * libm::asin(libm::sqrt(a.clamp(0.0, 1.0)))
    }
}

/// Where a resolver or a client subnet is, as Route 53's geolocation database would
/// place it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Stable key (a city id); latency tables are keyed by it.
    pub key: String,
    /// Coordinates.
    pub at: LatLon,
    /// The continent it is on (geolocation rules match it).
    pub continent: Continent,
    /// ISO 3166 alpha-2 country code, or `None` for an address no database can place.
    pub country: Option<String>,
    /// US state (or other subdivision) code, when known.
    pub subdivision: Option<String>,
}

/// One row of the city table.
#[derive(Clone, Copy, Debug)]
pub struct City {
    /// Stable id, e.g. `"washington-dc"`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Continent.
    pub continent: Continent,
    /// ISO 3166 alpha-2 country.
    pub country: &'static str,
    /// US state code, if in the US.
    pub subdivision: Option<&'static str>,
}

impl City {
    /// The city as a [`Place`].
    pub fn place(&self) -> Place {
        Place {
            key: self.id.to_string(),
            at: LatLon { lat: self.lat, lon: self.lon },
            continent: self.continent,
            country: Some(self.country.to_string()),
            subdivision: self.subdivision.map(str::to_string),
        }
    }
}

macro_rules! cities {
    ($( $id:literal, $name:literal, $lat:expr, $lon:expr, $cont:ident, $cc:literal, $sub:expr; )*) => {
        /// Cities with public coordinates: AWS region sites, major resolver
        /// populations and the edge-location cities of a global DNS/CDN network.
        pub const CITIES: &[City] = &[
            $( City { id: $id, name: $name, lat: $lat, lon: $lon, continent: Continent::$cont, country: $cc, subdivision: $sub }, )*
        ];
    };
}

cities! {
    "ashburn", "Ashburn, VA", 39.04, -77.49, NA, "US", Some("VA");
    "washington-dc", "Washington, DC", 38.91, -77.04, NA, "US", Some("DC");
    "new-york", "New York, NY", 40.71, -74.01, NA, "US", Some("NY");
    "newark", "Newark, NJ", 40.74, -74.17, NA, "US", Some("NJ");
    "boston", "Boston, MA", 42.36, -71.06, NA, "US", Some("MA");
    "philadelphia", "Philadelphia, PA", 39.95, -75.17, NA, "US", Some("PA");
    "atlanta", "Atlanta, GA", 33.75, -84.39, NA, "US", Some("GA");
    "miami", "Miami, FL", 25.76, -80.19, NA, "US", Some("FL");
    "jacksonville", "Jacksonville, FL", 30.33, -81.66, NA, "US", Some("FL");
    "chicago", "Chicago, IL", 41.88, -87.63, NA, "US", Some("IL");
    "columbus", "Columbus, OH", 39.96, -83.00, NA, "US", Some("OH");
    "minneapolis", "Minneapolis, MN", 44.98, -93.27, NA, "US", Some("MN");
    "dallas", "Dallas, TX", 32.78, -96.80, NA, "US", Some("TX");
    "houston", "Houston, TX", 29.76, -95.37, NA, "US", Some("TX");
    "kansas-city", "Kansas City, MO", 39.10, -94.58, NA, "US", Some("MO");
    "denver", "Denver, CO", 39.74, -104.99, NA, "US", Some("CO");
    "phoenix", "Phoenix, AZ", 33.45, -112.07, NA, "US", Some("AZ");
    "los-angeles", "Los Angeles, CA", 34.05, -118.24, NA, "US", Some("CA");
    "san-jose", "San Jose, CA", 37.34, -121.89, NA, "US", Some("CA");
    "san-francisco", "San Francisco, CA", 37.77, -122.42, NA, "US", Some("CA");
    "seattle", "Seattle, WA", 47.61, -122.33, NA, "US", Some("WA");
    "boardman", "Boardman, OR", 45.84, -119.70, NA, "US", Some("OR");
    "toronto", "Toronto", 43.65, -79.38, NA, "CA", None;
    "montreal", "Montreal", 45.50, -73.57, NA, "CA", None;
    "vancouver", "Vancouver", 49.28, -123.12, NA, "CA", None;
    "mexico-city", "Mexico City", 19.43, -99.13, NA, "MX", None;
    "queretaro", "Querétaro", 20.59, -100.39, NA, "MX", None;
    "sao-paulo", "São Paulo", -23.55, -46.63, SA, "BR", None;
    "rio-de-janeiro", "Rio de Janeiro", -22.91, -43.17, SA, "BR", None;
    "buenos-aires", "Buenos Aires", -34.60, -58.38, SA, "AR", None;
    "santiago", "Santiago", -33.45, -70.67, SA, "CL", None;
    "bogota", "Bogotá", 4.71, -74.07, SA, "CO", None;
    "lima", "Lima", -12.05, -77.04, SA, "PE", None;
    "dublin", "Dublin", 53.35, -6.26, EU, "IE", None;
    "london", "London", 51.51, -0.13, EU, "GB", None;
    "manchester", "Manchester", 53.48, -2.24, EU, "GB", None;
    "paris", "Paris", 48.86, 2.35, EU, "FR", None;
    "marseille", "Marseille", 43.30, 5.37, EU, "FR", None;
    "amsterdam", "Amsterdam", 52.37, 4.90, EU, "NL", None;
    "brussels", "Brussels", 50.85, 4.35, EU, "BE", None;
    "frankfurt", "Frankfurt", 50.11, 8.68, EU, "DE", None;
    "berlin", "Berlin", 52.52, 13.40, EU, "DE", None;
    "munich", "Munich", 48.14, 11.58, EU, "DE", None;
    "zurich", "Zurich", 47.38, 8.54, EU, "CH", None;
    "milan", "Milan", 45.46, 9.19, EU, "IT", None;
    "madrid", "Madrid", 40.42, -3.70, EU, "ES", None;
    "lisbon", "Lisbon", 38.72, -9.14, EU, "PT", None;
    "vienna", "Vienna", 48.21, 16.37, EU, "AT", None;
    "prague", "Prague", 50.08, 14.44, EU, "CZ", None;
    "warsaw", "Warsaw", 52.23, 21.01, EU, "PL", None;
    "stockholm", "Stockholm", 59.33, 18.07, EU, "SE", None;
    "copenhagen", "Copenhagen", 55.68, 12.57, EU, "DK", None;
    "oslo", "Oslo", 59.91, 10.75, EU, "NO", None;
    "helsinki", "Helsinki", 60.17, 24.94, EU, "FI", None;
    "athens", "Athens", 37.98, 23.73, EU, "GR", None;
    "sofia", "Sofia", 42.70, 23.32, EU, "BG", None;
    "bucharest", "Bucharest", 44.43, 26.10, EU, "RO", None;
    "istanbul", "Istanbul", 41.01, 28.98, AS, "TR", None;
    "tel-aviv", "Tel Aviv", 32.09, 34.78, AS, "IL", None;
    "dubai", "Dubai", 25.20, 55.27, AS, "AE", None;
    "bahrain", "Manama", 26.23, 50.59, AS, "BH", None;
    "mumbai", "Mumbai", 19.08, 72.88, AS, "IN", None;
    "chennai", "Chennai", 13.08, 80.27, AS, "IN", None;
    "new-delhi", "New Delhi", 28.61, 77.21, AS, "IN", None;
    "bangalore", "Bengaluru", 12.97, 77.59, AS, "IN", None;
    "singapore", "Singapore", 1.35, 103.82, AS, "SG", None;
    "kuala-lumpur", "Kuala Lumpur", 3.139, 101.69, AS, "MY", None;
    "jakarta", "Jakarta", -6.21, 106.85, AS, "ID", None;
    "bangkok", "Bangkok", 13.76, 100.50, AS, "TH", None;
    "manila", "Manila", 14.60, 120.98, AS, "PH", None;
    "hong-kong", "Hong Kong", 22.32, 114.17, AS, "HK", None;
    "taipei", "Taipei", 25.03, 121.57, AS, "TW", None;
    "seoul", "Seoul", 37.57, 126.98, AS, "KR", None;
    "tokyo", "Tokyo", 35.68, 139.69, AS, "JP", None;
    "osaka", "Osaka", 34.69, 135.50, AS, "JP", None;
    "sydney", "Sydney", -33.87, 151.21, OC, "AU", None;
    "melbourne", "Melbourne", -37.81, 144.96, OC, "AU", None;
    "perth", "Perth", -31.95, 115.86, OC, "AU", None;
    "auckland", "Auckland", -36.85, 174.76, OC, "NZ", None;
    "johannesburg", "Johannesburg", -26.20, 28.05, AF, "ZA", None;
    "cape-town", "Cape Town", -33.92, 18.42, AF, "ZA", None;
    "lagos", "Lagos", 6.52, 3.38, AF, "NG", None;
    "nairobi", "Nairobi", -1.29, 36.82, AF, "KE", None;
    "cairo", "Cairo", 30.04, 31.24, AF, "EG", None;
}

/// The city with id `id`.
pub fn city(id: &str) -> Option<&'static City> {
    CITIES.iter().find(|c| c.id == id)
}

/// The AWS regions modelled, with the city of their data centres.
pub const AWS_REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "ashburn"),
    ("us-east-2", "columbus"),
    ("us-west-1", "san-jose"),
    ("us-west-2", "boardman"),
    ("ca-central-1", "montreal"),
    ("sa-east-1", "sao-paulo"),
    ("eu-west-1", "dublin"),
    ("eu-west-2", "london"),
    ("eu-west-3", "paris"),
    ("eu-central-1", "frankfurt"),
    ("eu-north-1", "stockholm"),
    ("ap-southeast-1", "singapore"),
    ("ap-southeast-2", "sydney"),
    ("ap-northeast-1", "tokyo"),
    ("ap-northeast-2", "seoul"),
    ("ap-south-1", "mumbai"),
    ("af-south-1", "cape-town"),
    ("me-south-1", "bahrain"),
];

/// The city hosting AWS region `region`.
pub fn region_city(region: &str) -> Option<&'static City> {
    AWS_REGIONS.iter().find(|(r, _)| *r == region).and_then(|(_, c)| city(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_ids_are_unique_and_coordinates_valid() {
        let mut ids: Vec<_> = CITIES.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CITIES.len());
        for c in CITIES {
            assert!((-90.0..=90.0).contains(&c.lat) && (-180.0..=180.0).contains(&c.lon), "{}", c.id);
            assert_eq!(c.subdivision.is_some(), c.country == "US", "{}", c.id);
        }
        for (region, c) in AWS_REGIONS {
            assert!(city(c).is_some(), "{region} → {c}");
        }
    }

    #[test]
    fn known_distances() {
        // London–New York is about 5,570 km; Sydney–Singapore about 6,300 km.
        let d = city("london").unwrap().place().at.distance_km(city("new-york").unwrap().place().at);
        assert!((d - 5570.0).abs() < 30.0, "{d}");
        let d = city("sydney").unwrap().place().at.distance_km(city("singapore").unwrap().place().at);
        assert!((d - 6300.0).abs() < 50.0, "{d}");
        let p = city("paris").unwrap().place().at;
        assert_eq!(p.distance_km(p), 0.0);
    }
}
