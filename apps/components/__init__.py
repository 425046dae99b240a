"""Building blocks shared by the app's pages: session and sign-in, navigation, forms and lists."""
