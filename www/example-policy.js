// The text of tests/fixtures/lint/blog-recipe.json: a trust policy as an old
// blog post recipe wrote it, with several classic mistakes (a wildcard under
// StringEquals, the URL scheme in the provider ARN, a group-wide sub, any
// branch, the instance URL as audience). The check pane's "Try a risky
// example" loads it; tests/e2e checks that the two stay identical.
export const EXAMPLE_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/https://gitlab.com" },
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      "Condition": {
        "StringEquals": {
          "gitlab.com:aud": "https://gitlab.com",
          "gitlab.com:sub": "project_path:acme/*:ref_type:branch:ref:*"
        }
      }
    }
  ]
}
`;
