"""Who gets what from the API's own endpoints: identity, reference data and the API documentation."""

from vegvis.testing.access_matrix import api_staff_only, everyone, expect, staff_only

expect("api-v1:me", roles=api_staff_only(200))
expect("api-v1:regions", roles=api_staff_only(200))
expect("api-v1:offices", roles=api_staff_only(200))

# The schema and the docs are pages for developers (logged_in), so anonymous visitors go to the login page.
expect("api-v1:openapi-json", roles=staff_only(200))
expect("api-v1:openapi-view", roles=staff_only(200))
# ninja's API root only names the docs' address and always answers 404.
expect("api-v1:api-root", roles=everyone(404))
